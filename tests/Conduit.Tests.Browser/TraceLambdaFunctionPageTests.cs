using System.Text;
using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Browser.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Conduit.Tests.Browser;

/// <summary>
/// The trace page shows a Task whose Resource is a Lambda function's ARN, recorded as AWS's LambdaFunction* events,
/// as it shows any task: its attempts with their outcomes and errors, its result, and the function it ran. The history
/// shown is one the local interpreter really recorded, served in place of a turn's.
/// </summary>
public sealed class TraceLambdaFunctionPageTests : IAsyncLifetime
{
    private const string ExecutionName = "direct-function";
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";

    private BrowserHarness _harness = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumFactAttribute.ChromiumPath)) return;
        _harness = await BrowserHarness.StartAsync(tokenDelay: TimeSpan.FromMilliseconds(1));
    }

    public async Task DisposeAsync()
    {
        if (_harness is null) return;
        await _harness.DisposeAsync();
    }

    /// <summary>A run whose function fails once, is retried and then answers.</summary>
    private static async Task<string> RecordedRetriedFunctionAsync()
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
        await using var database = SqliteDatabase.OpenInMemory();
        var machine = StateMachine.Load(
            definition, new Dictionary<string, string>(), new HashSet<string> { LambdaInvokeTaskInvoker.Resource });
        await using var emulator = new StepFunctionsEmulator(
            machine,
            "arn:aws:states:local:000000000000:stateMachine:direct-machine",
            new LambdaInvokeTaskInvoker(functions),
            new SqliteExecutionStore(database),
            TimeProvider.System,
            NullLogger<StepFunctionsEmulator>.Instance);
        await emulator.StartExecutionAsync(ExecutionName, """{ "q": "life" }""");
        var execution = await emulator.WaitForCompletionAsync(ExecutionName);
        var history = await emulator.GetExecutionHistoryAsync(ExecutionName);
        return new JsonObject
        {
            ["execution"] = execution.ToJson(),
            ["events"] = new JsonArray([.. history.Select(historyEvent => (JsonNode)historyEvent.ToJson())]),
        }.ToJsonString();
    }

    [ChromiumFact]
    public async Task FunctionArnTask_RetriedOnce_ShowsBothAttemptsTheResultAndTheFunction()
    {
        var recorded = await RecordedRetriedFunctionAsync();
        await using var context = await _harness.Browser.NewContextAsync();
        await _harness.OpenChatAsync(context);
        var page = await context.NewPageAsync();
        await page.RouteAsync($"**/local/executions/{ExecutionName}", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = recorded,
        }));

        await page.GotoAsync($"{_harness.BaseUrl}/trace.html#{ExecutionName}");

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
        await _harness.ScreenshotAsync(page, "trace-lambda-function");
    }
}
