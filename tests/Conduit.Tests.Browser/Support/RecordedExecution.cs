using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace Conduit.Tests.Browser.Support;

/// <summary>
/// A history the local interpreter really recorded, for a workflow a page test defines, served to the trace page in
/// place of a turn's: the page is tested on what the interpreter writes, not on a hand-made copy of it.
/// </summary>
public sealed class RecordedExecution
{
    private readonly string _body;

    private RecordedExecution(string name, string body)
    {
        Name = name;
        _body = body;
    }

    public string Name { get; }

    /// <summary>Runs <paramref name="definition"/> once with <paramref name="input"/> to its end and keeps what it recorded.</summary>
    public static async Task<RecordedExecution> RunAsync(
        string name, string definition, string input, IReadOnlyDictionary<string, LambdaHandler>? functions = null)
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var machine = StateMachine.Load(
            definition, new Dictionary<string, string>(), new HashSet<string> { LambdaInvokeTaskInvoker.Resource });
        await using var emulator = new StepFunctionsEmulator(
            machine,
            $"arn:aws:states:local:000000000000:stateMachine:{name}-machine",
            new LambdaInvokeTaskInvoker(functions ?? new Dictionary<string, LambdaHandler>()),
            new SqliteExecutionStore(database),
            TimeProvider.System,
            NullLogger<StepFunctionsEmulator>.Instance);
        await emulator.StartExecutionAsync(name, input);
        var execution = await emulator.WaitForCompletionAsync(name);
        var history = await emulator.GetExecutionHistoryAsync(name);
        var body = new JsonObject
        {
            ["execution"] = execution.ToJson(),
            ["events"] = new JsonArray([.. history.Select(historyEvent => (JsonNode)historyEvent.ToJson())]),
        }.ToJsonString();
        return new RecordedExecution(name, body);
    }

    /// <summary>Opens the trace page on this execution, its API answer served from the recording.</summary>
    public async Task<IPage> OpenTraceAsync(BrowserHarness harness, IBrowserContext context)
    {
        await harness.OpenChatAsync(context);
        var page = await context.NewPageAsync();
        await page.RouteAsync($"**/local/executions/{Name}", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 200,
            ContentType = "application/json",
            Body = _body,
        }));
        await page.GotoAsync($"{harness.BaseUrl}/trace.html#{Name}");
        return page;
    }
}
