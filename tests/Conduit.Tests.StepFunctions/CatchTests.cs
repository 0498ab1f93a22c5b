using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

public sealed class CatchTests
{
    private const string Handlers = """
        {
          "HandleThrottle": { "Type": "Pass", "Result": "throttle", "ResultPath": "$.route", "End": true },
          "HandleAny": { "Type": "Pass", "Result": "any", "ResultPath": "$.route", "End": true }
        }
        """;

    private static async Task<ExecutionDescription> RunAsync(string taskFields, ITaskInvoker invoker, string input = """{ "turn": 1 }""")
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(taskFields, HandlersNamedIn(taskFields)), invoker);
        return await harness.RunAsync(input);
    }

    /// <summary>The handler states the task's catchers lead to; a definition may not hold a state nothing leads to.</summary>
    private static string HandlersNamedIn(string taskFields)
    {
        var used = new JsonObject();
        foreach (var (name, state) in JsonNode.Parse(Handlers)!.AsObject())
        {
            if (taskFields.Contains($"\"{name}\"", StringComparison.Ordinal)) used[name] = state?.DeepClone();
        }

        return used.ToJsonString();
    }

    [Fact]
    public async Task Catch_SpecificError_RoutesToItsNextWithErrorAtResultPath()
    {
        var execution = await RunAsync(
            """
            { "Catch": [
                { "ErrorEquals": ["ModelThrottledException"], "ResultPath": "$.error", "Next": "HandleThrottle" },
                { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "HandleAny" } ] }
            """,
            ScriptedTaskInvoker.AlwaysFailingWith("ModelThrottledException"));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent(
            """{ "turn": 1, "error": { "Error": "ModelThrottledException", "Cause": "failure 1" }, "route": "throttle" }""",
            execution.Output);
    }

    [Fact]
    public async Task Catch_StatesTaskFailed_MatchesAnyTaskError()
    {
        var execution = await RunAsync(
            """{ "Catch": [ { "ErrorEquals": ["States.TaskFailed"], "ResultPath": null, "Next": "HandleAny" } ] }""",
            ScriptedTaskInvoker.AlwaysFailingWith("SomethingElse"));

        JsonAssert.Equivalent("""{ "turn": 1, "route": "any" }""", execution.Output);
    }

    [Fact]
    public async Task Catch_StatesAll_MatchesUnlistedError()
    {
        var execution = await RunAsync(
            """
            { "Catch": [
                { "ErrorEquals": ["ModelThrottledException"], "Next": "HandleThrottle" },
                { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "HandleAny" } ] }
            """,
            ScriptedTaskInvoker.AlwaysFailingWith("Unexpected"));

        Assert.Equal("any", JsonNode.Parse(execution.Output!)!["route"]!.GetValue<string>());
    }

    [Fact]
    public async Task Catch_DefaultResultPath_ReplacesInputWithErrorOutput()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Catch": [ { "ErrorEquals": ["Boom"], "Next": "Done" } ] }""",
                """{ "Done": { "Type": "Succeed" } }"""),
            ScriptedTaskInvoker.AlwaysFailingWith("Boom"));

        var execution = await harness.RunAsync("""{ "turn": 1 }""");

        JsonAssert.Equivalent("""{ "Error": "Boom", "Cause": "failure 1" }""", execution.Output);
    }

    [Fact]
    public async Task Catch_AfterRetriesAreExhausted_HandlesTheLastError()
    {
        var invoker = ScriptedTaskInvoker.AlwaysFailingWith("Boom");
        var execution = await RunAsync(
            """
            { "Retry": [ { "ErrorEquals": ["Boom"], "MaxAttempts": 2 } ],
              "Catch": [ { "ErrorEquals": ["Boom"], "ResultPath": "$.error", "Next": "HandleAny" } ] }
            """,
            invoker);

        Assert.Equal(3, invoker.Invocations.Count);
        Assert.Equal("failure 3", JsonNode.Parse(execution.Output!)!["error"]!["Cause"]!.GetValue<string>());
    }

    [Fact]
    public async Task Catch_NoCatcherMatches_FailsTheExecution()
    {
        var execution = await RunAsync(
            """{ "Catch": [ { "ErrorEquals": ["ModelThrottledException"], "Next": "HandleThrottle" } ] }""",
            ScriptedTaskInvoker.AlwaysFailingWith("Boom"));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("Boom", execution.Error);
        Assert.Equal("failure 1", execution.Cause);
    }

    [Fact]
    public async Task Catch_StatesRuntime_IsNotCaughtByStatesAll()
    {
        var invoker = ScriptedTaskInvoker.Echo();
        var execution = await RunAsync(
            """
            { "Parameters": { "value.$": "$.missing" },
              "Retry": [ { "ErrorEquals": ["States.ALL"] } ],
              "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "HandleAny" } ] }
            """,
            invoker);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Empty(invoker.Invocations);
    }

    [Fact]
    public async Task Catch_DataLimitExceeded_IsNotCaughtByStatesAll()
    {
        var oversized = $$"""{ "text": "{{new string('x', 262_144)}}" }""";
        var execution = await RunAsync(
            """{ "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "HandleAny" } ] }""",
            ScriptedTaskInvoker.Returning(oversized));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.DataLimitExceeded, execution.Error);
    }

    [Fact]
    public async Task Catch_Timeout_IsCaughtByStatesAllButNotByStatesTaskFailed()
    {
        var time = new DelayRecordingTimeProvider();
        var neverAnswers = ScriptedTaskInvoker.Gated();
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """
                { "TimeoutSeconds": 30, "Catch": [
                    { "ErrorEquals": ["States.TaskFailed"], "Next": "HandleThrottle" },
                    { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "HandleAny" } ] }
                """,
                Handlers),
            neverAnswers.Invoker,
            time);

        await harness.Emulator.StartExecutionAsync("execution-1", "{}");
        await neverAnswers.Invoked;
        time.Advance(TimeSpan.FromSeconds(30));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal("any", output["route"]!.GetValue<string>());
        Assert.Equal(StatesErrors.Timeout, output["error"]!["Error"]!.GetValue<string>());
        Assert.Contains("TaskTimedOut", await harness.EventTypesAsync());
    }
}
