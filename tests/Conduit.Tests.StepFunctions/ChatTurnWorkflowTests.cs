using System.Text;
using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

/// <summary>The real <c>StateMachines/chat-turn.asl.json</c>, run with stand-in Lambda handlers.</summary>
public sealed class ChatTurnWorkflowTests
{
    private const string StateMachineArn = "arn:aws:states:local:000000000000:stateMachine:chat-turn";

    private static readonly string[] FunctionNames = ["BuildPrompt", "Plan", "Retrieve", "Stream", "NotifyFailure"];

    private static readonly Dictionary<string, string> Substitutions =
        FunctionNames.ToDictionary(name => $"{name}FunctionArn", FunctionArn);

    private static string FunctionArn(string name) => $"arn:aws:lambda:local:000000000000:function:{name}";

    private static string ReadDefinition()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "StateMachines", "chat-turn.asl.json");
            if (File.Exists(candidate)) return File.ReadAllText(candidate);
        }

        throw new FileNotFoundException("StateMachines/chat-turn.asl.json was not found above the test binaries.");
    }

    /// <summary>A handler that adds <paramref name="change"/>'s fields to the workflow state it is given and returns it.</summary>
    private static LambdaHandler Updating(Func<JsonObject, JsonObject> change) => async input =>
    {
        using var reader = new StreamReader(input);
        var state = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
        foreach (var (field, value) in change(state)) state[field] = value?.DeepClone();
        return new MemoryStream(Encoding.UTF8.GetBytes(state.ToJsonString()));
    };

    private static async Task<(ExecutionDescription Execution, IReadOnlyList<HistoryEvent> History)> RunTurnAsync(
        IReadOnlyDictionary<string, LambdaHandler> handlersByName, params InjectedFault[] faults)
    {
        var machine = StateMachine.Load(ReadDefinition(), Substitutions, new HashSet<string> { LambdaInvokeTaskInvoker.Resource });
        var invoker = new FaultInjectingTaskInvoker(
            new LambdaInvokeTaskInvoker(handlersByName.ToDictionary(entry => FunctionArn(entry.Key), entry => entry.Value)), faults);
        await using var database = SqliteDatabase.OpenInMemory();
        await using var emulator = new StepFunctionsEmulator(
            machine, StateMachineArn, invoker, new SqliteExecutionStore(database), new DelayRecordingTimeProvider(autoAdvance: true),
            NullLogger<StepFunctionsEmulator>.Instance);

        await emulator.StartExecutionAsync("req-1", """{ "turn": { "requestId": "req-1" } }""");
        return (await emulator.WaitForCompletionAsync("req-1"), await emulator.GetExecutionHistoryAsync("req-1"));
    }

    private static IEnumerable<string> EnteredStates(IReadOnlyList<HistoryEvent> history) =>
        history.Where(historyEvent => historyEvent.Type.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(historyEvent => historyEvent.Details["name"]!.GetValue<string>());

    [Fact]
    public void Load_WithoutSubstitutions_NamesTheFirstUnboundFunctionArns()
    {
        var exception = Assert.Throws<AslLoadException>(
            () => StateMachine.Load(
                ReadDefinition(), new Dictionary<string, string>(), new HashSet<string> { LambdaInvokeTaskInvoker.Resource }));

        Assert.Contains("\"${BuildPromptFunctionArn}\"", exception.Message);
        Assert.Contains("\"${NotifyFailureFunctionArn}\"", exception.Message);
    }

    [Fact]
    public async Task Execution_RetrieveRoundThenAnswer_SucceedsWithStreamOutput()
    {
        var plans = 0;
        var handlers = new Dictionary<string, LambdaHandler>
        {
            ["BuildPrompt"] = Updating(_ => new JsonObject { ["prompt"] = new JsonObject { ["messageCount"] = 1 } }),
            ["Plan"] = Updating(_ => new JsonObject
            {
                ["plan"] = ++plans == 1
                    ? new JsonObject { ["action"] = "retrieve", ["round"] = 1 }
                    : new JsonObject { ["action"] = "answer", ["round"] = 2 },
            }),
            ["Retrieve"] = Updating(_ => new JsonObject { ["rounds"] = new JsonArray("kb result") }),
            ["Stream"] = Updating(_ => new JsonObject { ["outcome"] = new JsonObject { ["stopReason"] = "end_turn" } }),
        };

        var (execution, history) = await RunTurnAsync(handlers);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(
            ["BuildPrompt", "Plan", "NeedsKnowledge", "Retrieve", "Plan", "NeedsKnowledge", "Stream"],
            EnteredStates(history));
        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal("end_turn", output["outcome"]!["stopReason"]!.GetValue<string>());
        Assert.Equal("req-1", output["turn"]!["requestId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execution_ModelKeepsThrottling_RetriesFourTimesThenNotifiesAndFails()
    {
        var planAttempts = 0;
        JsonNode? notified = null;
        var handlers = new Dictionary<string, LambdaHandler>
        {
            ["BuildPrompt"] = Updating(_ => []),
            ["Plan"] = _ =>
            {
                planAttempts++;
                throw new ModelThrottledException("The model is busy.");
            },
            ["NotifyFailure"] = Updating(state =>
            {
                notified = state["error"]?.DeepClone();
                return [];
            }),
        };

        var (execution, history) = await RunTurnAsync(handlers);

        Assert.Equal(5, planAttempts);
        Assert.Equal(["BuildPrompt", "Plan", "NotifyFailure", "TurnFailed"], EnteredStates(history));
        Assert.Equal("ModelThrottledException", notified!["Error"]!.GetValue<string>());
        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("ModelThrottledException", execution.Error);
        Assert.Equal("The model is busy.", JsonNode.Parse(execution.Cause!)!["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execution_InjectedThrottleOnStream_RetriesAndTheTurnSucceeds()
    {
        var streamRuns = 0;
        var handlers = new Dictionary<string, LambdaHandler>
        {
            ["BuildPrompt"] = Updating(_ => []),
            ["Plan"] = Updating(_ => new JsonObject { ["plan"] = new JsonObject { ["action"] = "answer", ["round"] = 1 } }),
            ["Stream"] = Updating(_ =>
            {
                streamRuns++;
                return new JsonObject { ["outcome"] = new JsonObject { ["stopReason"] = "end_turn" } };
            }),
        };

        var (execution, history) = await RunTurnAsync(handlers, InjectedFault.Parse("Stream:2:Lambda.TooManyRequestsException"));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(1, streamRuns);
        var failures = history.Where(e => e.Type == HistoryEventTypes.TaskFailed).Select(e => e.Details["error"]!.GetValue<string>());
        Assert.Equal(["Lambda.TooManyRequestsException", "Lambda.TooManyRequestsException"], failures);
        Assert.Equal(3, history.Count(e => e.Type == HistoryEventTypes.TaskScheduled && e.Details["parameters"]!.GetValue<string>()
            .Contains("function:Stream", StringComparison.Ordinal)));
    }

    private sealed class ModelThrottledException(string message) : Exception(message);
}
