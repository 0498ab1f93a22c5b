using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>
/// The trace page groups a Parallel state's branches and a Map state's iterations under the state that ran them. The
/// history shown is one the local interpreter really recorded, served in place of a turn's.
/// </summary>
public sealed class TraceBranchesPageTests : PageTests
{
    private const string ExecutionName = "fan-out";

    private const string FanOutMachine = """
        { "StartAt": "Lookup", "States": {
            "Lookup": { "Type": "Parallel", "ResultPath": "$.lookup", "Next": "Each", "Branches": [
              { "StartAt": "Address", "States": { "Address": { "Type": "Pass", "Result": "street", "End": true } } },
              { "StartAt": "Phone", "States": { "Phone": { "Type": "Pass", "Result": "555", "End": true } } } ] },
            "Each": { "Type": "Map", "ItemsPath": "$.items", "End": true,
              "ItemProcessor": { "StartAt": "Check", "States": { "Check": { "Type": "Pass", "End": true } } } } } }
        """;

    [ChromiumFact]
    public async Task ParallelAndMapExecution_ShowsEachBranchAndIterationWithItsStates()
    {
        var recorded = await RecordedExecution.RunAsync(ExecutionName, FanOutMachine, """{ "items": [1, 2, 3] }""");
        await using var context = await Harness.Browser.NewContextAsync();

        var page = await recorded.OpenTraceAsync(Harness, context);

        var timeline = page.GetByTestId("timeline");
        await Expect(timeline.GetByTestId("execution-status")).ToContainTextAsync("SUCCEEDED");
        var lookup = timeline.Locator("[data-testid=state-row][data-state=Lookup]");
        await Expect(lookup.Locator("[data-testid=branch][data-kind=branch]")).ToHaveCountAsync(2);
        await Expect(lookup.Locator("[data-testid=branch] [data-testid=state-row][data-state=Address]")).ToHaveCountAsync(1);
        await Expect(lookup.Locator("[data-testid=branch] [data-testid=state-row][data-state=Phone]")).ToHaveCountAsync(1);
        var each = timeline.Locator("[data-testid=state-row][data-state=Each]");
        var iterations = each.Locator("[data-testid=branch][data-kind=iteration]");
        await Expect(iterations).ToHaveCountAsync(3);
        await Expect(iterations.Nth(0)).ToContainTextAsync("Iteration 0");
        await Expect(each.Locator("[data-testid=branch][data-status=SUCCEEDED] [data-state=Check]")).ToHaveCountAsync(3);
        await Expect(timeline.Locator("section.states-section > ol.states > li[data-state=Check]")).ToHaveCountAsync(0);
        await Harness.ScreenshotAsync(page, "trace-parallel-and-map");
    }
}
