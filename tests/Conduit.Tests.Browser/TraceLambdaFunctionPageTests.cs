using System.Text;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Browser.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>
/// The trace page shows a Task whose Resource is a Lambda function's ARN, recorded as AWS's LambdaFunction* events,
/// as it shows any task: its attempts with their outcomes and errors, its result, and the function it ran. The history
/// shown is one the local interpreter really recorded, served in place of a turn's.
/// </summary>
public sealed class TraceLambdaFunctionPageTests : PageTests
{
    private const string ExecutionName = "direct-function";
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";

    /// <summary>A run whose function fails once, is retried and then answers.</summary>
    private static async Task<RecordedExecution> RecordedRetriedFunctionAsync()
    {
        var calls = 0;
        var functions = new Dictionary<string, LambdaHandler>
        {
            [FunctionArn] = _ => Interlocked.Increment(ref calls) == 1
                ? throw new FunctionErrorException("Busy", """{"errorType":"Busy","errorMessage":"try later"}""")
                : Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes("""{ "answer": 42 }"""))),
        };
        var definition = $$"""
            { "StartAt": "Ask", "States": { "Ask": {
                "Type": "Task", "Resource": "{{FunctionArn}}", "Parameters": { "question.$": "$.q" },
                "Retry": [ { "ErrorEquals": ["Busy"], "IntervalSeconds": 1, "MaxAttempts": 1, "BackoffRate": 1 } ],
                "End": true } } }
            """;
        return await RecordedExecution.RunAsync(ExecutionName, definition, """{ "q": "life" }""", functions);
    }

    [ChromiumFact]
    public async Task FunctionArnTask_RetriedOnce_ShowsBothAttemptsTheResultAndTheFunction()
    {
        var recorded = await RecordedRetriedFunctionAsync();
        await using var context = await Harness.Browser.NewContextAsync();

        var page = await recorded.OpenTraceAsync(Harness, context);

        var timeline = page.GetByTestId("timeline");
        await Expect(timeline.GetByTestId("execution-status")).ToContainTextAsync("SUCCEEDED");
        var ask = timeline.Locator("[data-testid=state-row][data-state=Ask]");
        var attempts = ask.GetByTestId("attempt");
        await Expect(attempts).ToHaveCountAsync(2);
        await Expect(attempts.Nth(0)).ToHaveAttributeAsync("data-outcome", "failed");
        await Expect(attempts.Nth(0)).ToContainTextAsync("Busy");
        await Expect(attempts.Nth(1)).ToHaveAttributeAsync("data-outcome", "succeeded");
        await Expect(attempts.Nth(1)).ToContainTextAsync("42");
        await Expect(ask).ToContainTextAsync($"{FunctionArn} → answer");
        await Expect(ask).ToContainTextAsync("question");
        await Harness.ScreenshotAsync(page, "trace-lambda-function");
    }
}
