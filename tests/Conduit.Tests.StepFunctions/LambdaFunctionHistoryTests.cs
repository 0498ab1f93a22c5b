using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// A Task whose Resource is a Lambda function's ARN records AWS's LambdaFunction* history events, with their own
/// detail fields, where a service integration records Task* events.
/// </summary>
public sealed class LambdaFunctionHistoryTests
{
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";

    private static string Definition(string extraFields = "") =>
        $$"""
        { "StartAt": "Ask", "States": { "Ask": {
            "Type": "Task", "Resource": "{{FunctionArn}}", "Parameters": { "question.$": "$.q" }{{extraFields}}, "End": true } } }
        """;

    private static async Task<HistoryEvent> EventAsync(EmulatorHarness harness, string type) =>
        (await harness.Emulator.GetExecutionHistoryAsync("execution-1")).Single(historyEvent => historyEvent.Type == type);

    [Fact]
    public async Task FunctionArnTask_Succeeds_RecordsScheduledStartedSucceededWithAwsDetails()
    {
        await using var harness = EmulatorHarness.Create(
            Definition(""", "TimeoutSeconds": 30"""), ScriptedTaskInvoker.Returning("""{ "answer": 42 }"""));

        var execution = await harness.RunAsync("""{ "q": "life" }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                "TaskStateExited", "ExecutionSucceeded"],
            await harness.EventTypesAsync());
        var scheduled = await EventAsync(harness, "LambdaFunctionScheduled");
        Assert.Equal(["resource", "input", "inputDetails", "timeoutInSeconds"], scheduled.Details.Select(field => field.Key));
        Assert.Equal(FunctionArn, scheduled.Details["resource"]!.GetValue<string>());
        JsonAssert.Equivalent("""{ "question": "life" }""", scheduled.Details["input"]!.GetValue<string>());
        Assert.False(scheduled.Details["inputDetails"]!["truncated"]!.GetValue<bool>());
        Assert.Equal(30, scheduled.Details["timeoutInSeconds"]!.GetValue<int>());
        Assert.Empty((await EventAsync(harness, "LambdaFunctionStarted")).Details);
        var succeeded = await EventAsync(harness, "LambdaFunctionSucceeded");
        Assert.Equal(["output", "outputDetails"], succeeded.Details.Select(field => field.Key));
        JsonAssert.Equivalent("""{ "answer": 42 }""", succeeded.Details["output"]!.GetValue<string>());
        Assert.False(succeeded.Details["outputDetails"]!["truncated"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FunctionArnTask_FunctionFails_RecordsLambdaFunctionFailedWithErrorAndCause()
    {
        await using var harness = EmulatorHarness.Create(Definition(), ScriptedTaskInvoker.FailingWith(["Lambda.Unknown"]));

        var execution = await harness.RunAsync("""{ "q": "life" }""");

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionFailed",
                "ExecutionFailed"],
            await harness.EventTypesAsync());
        var failed = await EventAsync(harness, "LambdaFunctionFailed");
        JsonAssert.Equivalent("""{ "error": "Lambda.Unknown", "cause": "failure 1" }""", failed.Details.ToJsonString());
    }

    [Fact]
    public async Task FunctionArnTask_FunctionMissing_RecordsLambdaFunctionFailedWithResourceNotFound()
    {
        var noFunctions = new LambdaInvokeTaskInvoker(new Dictionary<string, LambdaHandler>());
        await using var harness = EmulatorHarness.Create(Definition(), noFunctions);

        await harness.RunAsync("""{ "q": "life" }""");

        var failed = await EventAsync(harness, "LambdaFunctionFailed");
        Assert.Equal("Lambda.ResourceNotFoundException", failed.Details["error"]!.GetValue<string>());
        Assert.Contains(FunctionArn, failed.Details["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionArnTask_TimeoutSecondsElapse_RecordsLambdaFunctionTimedOut()
    {
        var time = new DelayRecordingTimeProvider();
        var invoked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = new ScriptedTaskInvoker((_, _) =>
        {
            invoked.TrySetResult();
            return new TaskCompletionSource<JsonNode?>().Task;
        });
        await using var harness = EmulatorHarness.Create(Definition(""", "TimeoutSeconds": 10"""), hanging, time);

        await harness.Emulator.StartExecutionAsync("execution-1", """{ "q": "life" }""");
        await invoked.Task;
        time.Advance(TimeSpan.FromSeconds(10));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(StatesErrors.Timeout, execution.Error);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionTimedOut",
                "ExecutionFailed"],
            await harness.EventTypesAsync());
        var timedOut = await EventAsync(harness, "LambdaFunctionTimedOut");
        Assert.Equal(["error", "cause"], timedOut.Details.Select(field => field.Key));
        Assert.Equal(StatesErrors.Timeout, timedOut.Details["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaInvokeIntegration_Succeeds_StillRecordsTaskEvents()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(), ScriptedTaskInvoker.Returning("{}"));

        await harness.RunAsync();

        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "ExecutionSucceeded"],
            await harness.EventTypesAsync());
        Assert.Equal("lambda", (await EventAsync(harness, "TaskScheduled")).Details["resourceType"]!.GetValue<string>());
    }
}
