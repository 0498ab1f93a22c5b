using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>Task timeouts and failures, Pass, Succeed and Fail states, and the execution's own time limit.</summary>
public sealed class StateTypeTests
{
    private static (ScriptedTaskInvoker Invoker, Task Invoked) HangingInvoker()
    {
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker((_, _) =>
        {
            invoked.TrySetResult();
            return new TaskCompletionSource<JsonNode?>().Task;
        });
        return (invoker, invoked.Task);
    }

    [Fact]
    public async Task Task_TimeoutSecondsElapse_FailsWithStatesTimeout()
    {
        var time = new DelayRecordingTimeProvider();
        var (invoker, invoked) = HangingInvoker();
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask("""{ "TimeoutSeconds": 10 }"""), invoker, time);

        await harness.Emulator.StartExecutionAsync("execution-1", "{}");
        await invoked;
        time.Advance(TimeSpan.FromSeconds(9));
        var stillRunning = await harness.Emulator.DescribeExecutionAsync("execution-1");
        time.Advance(TimeSpan.FromSeconds(1));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(ExecutionStatus.Running, stillRunning.Status);
        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.Timeout, execution.Error);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskTimedOut", "ExecutionFailed"],
            await harness.EventTypesAsync());
    }

    [Fact]
    public async Task Execution_TimeoutSecondsElapse_EndsTimedOut()
    {
        var time = new DelayRecordingTimeProvider();
        var (invoker, invoked) = HangingInvoker();
        var definition = JsonNode.Parse(Definitions.SingleTask())!.AsObject();
        definition["TimeoutSeconds"] = 60;
        await using var harness = EmulatorHarness.Create(definition.ToJsonString(), invoker, time);

        await harness.Emulator.StartExecutionAsync("execution-1", "{}");
        await invoked;
        time.Advance(TimeSpan.FromSeconds(60));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(ExecutionStatus.TimedOut, execution.Status);
        Assert.Equal(StatesErrors.Timeout, execution.Error);
        Assert.Equal("ExecutionTimedOut", (await harness.EventTypesAsync())[^1]);
    }

    [Fact]
    public async Task Task_InvokerThrowsUnexpectedException_FailsWithStatesRuntime()
    {
        var invoker = new ScriptedTaskInvoker((_, _) => throw new InvalidOperationException("bug in the invoker"));
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Done" } ] }""", """{ "Done": { "Type": "Succeed" } }"""),
            invoker);

        var execution = await harness.RunAsync();

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("bug in the invoker", execution.Cause);
    }

    [Fact]
    public async Task Task_Parameters_AreSentToTheInvokerWithTheResource()
    {
        var invoker = ScriptedTaskInvoker.Echo();
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Parameters": { "FunctionName": "fn", "Payload.$": "$.body" }, "OutputPath": "$.Payload" """
                + """}"""), invoker);

        var execution = await harness.RunAsync("""{ "body": { "q": 1 } }""");

        var invocation = Assert.Single(invoker.Invocations);
        Assert.Equal(EmulatorHarness.Resource, invocation.Resource);
        JsonAssert.Equivalent("""{ "FunctionName": "fn", "Payload": { "q": 1 } }""", invocation.Parameters!.ToJsonString());
        JsonAssert.Equivalent("""{ "q": 1 }""", execution.Output);
    }

    [Fact]
    public async Task Pass_ResultWithResultPath_MergesIntoInput()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SinglePass("""{ "Result": { "x": [1, 2] }, "ResultPath": "$.added" }"""));

        var execution = await harness.RunAsync("""{ "kept": true }""");

        JsonAssert.Equivalent("""{ "kept": true, "added": { "x": [1, 2] } }""", execution.Output);
    }

    [Fact]
    public async Task Pass_NullResult_IsKeptAsNull()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass("""{ "Result": null, "ResultPath": "$.cleared" }"""));

        var execution = await harness.RunAsync("""{ "kept": true }""");

        JsonAssert.Equivalent("""{ "kept": true, "cleared": null }""", execution.Output);
    }

    [Fact]
    public async Task Succeed_InputAndOutputPath_ShapeTheExecutionOutput()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Done", "States": { "Done": { "Type": "Succeed", "InputPath": "$.result", "OutputPath": "$.answer" } } }
            """);

        var execution = await harness.RunAsync("""{ "result": { "answer": "yes" } }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("\"yes\"", execution.Output);
    }

    [Fact]
    public async Task Fail_ErrorAndCause_FailTheExecution()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail", "Error": "TurnRejected", "Cause": "The turn was empty." } } }
            """);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("TurnRejected", execution.Error);
        Assert.Equal("The turn was empty.", execution.Cause);
        Assert.Null(execution.Output);
        Assert.Equal(["ExecutionStarted", "FailStateEntered", "ExecutionFailed"], await harness.EventTypesAsync());
    }

    [Fact]
    public async Task Fail_ErrorPathAndCausePath_ReadTheStateInput()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause" } } }
            """);

        var execution = await harness.RunAsync("""{ "error": { "Error": "ModelThrottledException", "Cause": "busy" } }""");

        Assert.Equal("ModelThrottledException", execution.Error);
        Assert.Equal("busy", execution.Cause);
    }

    [Fact]
    public async Task Fail_ErrorPathToNonString_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail", "ErrorPath": "$.code" } } }
            """);

        var execution = await harness.RunAsync("""{ "code": 42 }""");

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("ErrorPath '$.code' is not a string", execution.Cause);
    }
}
