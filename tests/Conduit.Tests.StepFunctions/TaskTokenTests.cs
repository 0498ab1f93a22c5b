using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// <c>.waitForTaskToken</c>, HeartbeatSeconds and the timeout paths, after the AWS documentation's callback example
/// ("Wait for a Callback with Task Token"): the task hands <c>$$.Task.Token</c> to a worker and waits for it to call
/// back.
/// </summary>
public sealed class TaskTokenTests
{
    private const string WaitingResource = EmulatorHarness.Resource + ".waitForTaskToken";

    private static string WaitingTask(string extraFields = "") => Definitions.SingleTask($$"""
        { "Resource": "{{WaitingResource}}",
          "Parameters": { "FunctionName": "worker", "Payload": { "token.$": "$$.Task.Token", "order.$": "$.order" } }
          {{extraFields}} }
        """);

    /// <summary>An invoker that gives the token it was sent to the test and answers as lambda:invoke would.</summary>
    private static (ScriptedTaskInvoker Invoker, Task<string> Token) TokenCatcher()
    {
        var token = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker((invocation, _) =>
        {
            token.TrySetResult(invocation.Parameters!["Payload"]!["token"]!.GetValue<string>());
            return Task.FromResult<JsonNode?>(JsonNode.Parse("""{ "StatusCode": 202 }"""));
        });
        return (invoker, token.Task);
    }

    [Fact]
    public async Task WaitForTaskToken_SendTaskSuccess_TaskSucceedsWithTheCallbacksOutput()
    {
        var (invoker, token) = TokenCatcher();
        await using var harness = EmulatorHarness.Create(WaitingTask(), invoker);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7 }""");

        harness.Emulator.TaskTokens.SendSuccess(await token.WaitAsync(TimeSpan.FromSeconds(30)), """{ "approved": true }""");
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "approved": true }""", execution.Output);
        Assert.Equal(7, invoker.Invocations.Single().Parameters!["Payload"]!["order"]!.GetValue<int>());
        Assert.Equal(EmulatorHarness.Resource, invoker.Invocations.Single().Resource);
        var types = await harness.EventTypesAsync();
        Assert.Equal(
            ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited"],
            types.Where(type => type.StartsWith("Task", StringComparison.Ordinal)));
        var submitted = (await harness.Emulator.GetExecutionHistoryAsync("execution-1")).Single(e => e.Type == "TaskSubmitted");
        Assert.Equal("invoke.waitForTaskToken", submitted.Details["resource"]!.GetValue<string>());
        JsonAssert.Equivalent("""{ "StatusCode": 202 }""", submitted.Details["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task WaitForTaskToken_SendTaskFailure_ErrorReachesTheCatcher()
    {
        var (invoker, token) = TokenCatcher();
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                $$"""
                { "Resource": "{{WaitingResource}}", "Next": "Handled",
                  "Parameters": { "FunctionName": "worker", "Payload": { "token.$": "$$.Task.Token" } },
                  "Catch": [ { "ErrorEquals": ["Rejected"], "ResultPath": "$.error", "Next": "Handled" } ] }
                """,
                """{ "Handled": { "Type": "Pass", "End": true } }"""),
            invoker);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7 }""");

        harness.Emulator.TaskTokens.SendFailure(await token.WaitAsync(TimeSpan.FromSeconds(30)), "Rejected", "out of stock");
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "order": 7, "error": { "Error": "Rejected", "Cause": "out of stock" } }""", execution.Output);
        Assert.Contains("TaskFailed", await harness.EventTypesAsync());
    }

    [Fact]
    public async Task WaitForTaskToken_HeartbeatsKeepItAliveThenSilence_FailsWithHeartbeatTimeout()
    {
        var (invoker, token) = TokenCatcher();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await using var harness = EmulatorHarness.Create(WaitingTask(""", "HeartbeatSeconds": 10, "TimeoutSeconds": 60"""), invoker, time);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7 }""");
        var taskToken = await token.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(8));
        harness.Emulator.TaskTokens.SendHeartbeat(taskToken);
        time.Advance(TimeSpan.FromSeconds(8));
        harness.Emulator.TaskTokens.SendHeartbeat(taskToken);
        time.Advance(TimeSpan.FromSeconds(10));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.HeartbeatTimeout, execution.Error);
        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");
        Assert.Equal(StatesErrors.HeartbeatTimeout, history.Single(e => e.Type == "TaskTimedOut").Details["error"]!.GetValue<string>());
        Assert.Equal(10, history.Single(e => e.Type == "TaskScheduled").Details["heartbeatInSeconds"]!.GetValue<int>());
        var late = Assert.Throws<TaskCallbackRejectedException>(() => harness.Emulator.TaskTokens.SendSuccess(taskToken, "{}"));
        Assert.Equal("TaskTimedOut", late.ErrorCode);
    }

    [Fact]
    public async Task WaitForTaskToken_HeartbeatWithinTheInterval_CallbackStillSucceeds()
    {
        var (invoker, token) = TokenCatcher();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await using var harness = EmulatorHarness.Create(WaitingTask(""", "HeartbeatSeconds": 10"""), invoker, time);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7 }""");
        var taskToken = await token.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(9));
        harness.Emulator.TaskTokens.SendHeartbeat(taskToken);
        time.Advance(TimeSpan.FromSeconds(9));
        harness.Emulator.TaskTokens.SendSuccess(taskToken, "\"done\"");
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("\"done\"", execution.Output);
    }

    [Fact]
    public async Task TimeoutSecondsPath_NoCallbackInTime_FailsWithStatesTimeoutAndLateCallbackIsTimedOut()
    {
        var (invoker, token) = TokenCatcher();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await using var harness = EmulatorHarness.Create(WaitingTask(""", "TimeoutSecondsPath": "$.limit" """), invoker, time);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7, "limit": 30 }""");
        var taskToken = await token.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(30));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.Timeout, execution.Error);
        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");
        Assert.Equal(30, history.Single(e => e.Type == "TaskScheduled").Details["timeoutInSeconds"]!.GetValue<int>());
        Assert.Contains(history, e => e.Type == "TaskTimedOut");
        var late = Assert.Throws<TaskCallbackRejectedException>(() => harness.Emulator.TaskTokens.SendSuccess(taskToken, "{}"));
        Assert.Equal("TaskTimedOut", late.ErrorCode);
    }

    [Fact]
    public async Task HeartbeatSecondsPath_NotAPositiveInteger_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create(WaitingTask(""", "HeartbeatSecondsPath": "$.beat" """));

        var execution = await harness.RunAsync("""{ "order": 7, "beat": "soon" }""");

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("HeartbeatSecondsPath", execution.Cause);
    }

    [Theory]
    [InlineData("""{ "HeartbeatSeconds": 60, "TimeoutSeconds": 60 }""", "must be smaller than TimeoutSeconds")]
    [InlineData("""{ "TimeoutSeconds": 60, "TimeoutSecondsPath": "$.t" }""", "has both \"TimeoutSeconds\" and \"TimeoutSecondsPath\"")]
    [InlineData(
        """{ "HeartbeatSeconds": 5, "HeartbeatSecondsPath": "$.h" }""", "has both \"HeartbeatSeconds\" and \"HeartbeatSecondsPath\"")]
    [InlineData("""{ "HeartbeatSeconds": 0 }""", "field \"HeartbeatSeconds\" must be an integer from 1")]
    [InlineData("""{ "Resource": "arn:aws:states:::lambda:invoke.sync" }""", "supported: ")]
    public void Load_BadTimeoutsOrResource_IsRefusedNamingTheState(string taskFields, string expected)
    {
        var exception = Assert.Throws<AslLoadException>(() => StateMachine.Load(
            Definitions.SingleTask(taskFields), new Dictionary<string, string>(), new HashSet<string> { EmulatorHarness.Resource }));

        Assert.StartsWith("State \"Work\"", exception.Message);
        Assert.Contains(expected, exception.Message);
    }

    [Fact]
    public void SendSuccess_TokenNeverIssued_FailsInvalidToken()
    {
        var exception = Assert.Throws<InvalidTokenException>(() => new TaskTokenRegistry().SendSuccess("nonsense", "{}"));

        Assert.Equal("InvalidToken", exception.ErrorCode);
    }

    [Fact]
    public async Task SendSuccess_OutputNotJson_FailsInvalidOutputAndTaskKeepsWaiting()
    {
        var (invoker, token) = TokenCatcher();
        await using var harness = EmulatorHarness.Create(WaitingTask(), invoker);
        await harness.Emulator.StartExecutionAsync("execution-1", """{ "order": 7 }""");
        var taskToken = await token.WaitAsync(TimeSpan.FromSeconds(30));

        var invalid = Assert.Throws<TaskCallbackRejectedException>(
            () => harness.Emulator.TaskTokens.SendSuccess(taskToken, "{ nope"));
        harness.Emulator.TaskTokens.SendSuccess(taskToken, "1");
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("InvalidOutput", invalid.ErrorCode);
        Assert.Equal("1", execution.Output);
        var again = Assert.Throws<TaskCallbackRejectedException>(() => harness.Emulator.TaskTokens.SendSuccess(taskToken, "2"));
        Assert.Equal("TaskDoesNotExist", again.ErrorCode);
    }
}
