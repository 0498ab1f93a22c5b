using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// RedriveExecution through the API, as the AWS documentation's "Redriving executions" describes it: the execution
/// continues from the unsuccessful step with the same ARN and input, successful steps are not run again, and only a
/// failed, timed-out or aborted Standard execution can be redriven.
/// </summary>
public sealed class RedriveExecutionTests
{
    private const string ExecutionArn = "arn:aws:states:local:000000000000:execution:redrivable:run";

    private static readonly string TwoSteps = $$"""
        { "StartAt": "Prepare", "States": {
            "Prepare": { "Type": "Pass", "Result": { "prepared": true }, "ResultPath": "$.prepare", "Next": "Work" },
            "Work": { "Type": "Task", "Resource": "{{LambdaInvokeTaskInvoker.Resource}}", "Parameters": { "n.$": "$.n" },
                      "ResultPath": "$.work", "End": true } } }
        """;

    private static async Task<ExecutionDescription> FinishAsync(ApiHarness harness, string stateMachineArn) =>
        await harness.Registry.EmulatorFor(stateMachineArn).WaitForCompletionAsync("run").WaitAsync(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task RedriveExecution_FailedExecution_ContinuesFromTheFailedStateAndSucceeds()
    {
        await using var harness = ApiHarness.Create(ScriptedTaskInvoker.FailingWith(["Boom"], """{ "done": 1 }"""));
        var arn = await harness.CreateAsync("redrivable", TwoSteps);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"n\":3}"}""");
        var failed = await FinishAsync(harness, arn);

        var redriven = await harness.CallAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");
        var finished = await FinishAsync(harness, arn);
        var described = await harness.CallAsync("DescribeExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");
        var history = await harness.Registry.EmulatorFor(arn).GetExecutionHistoryAsync("run");

        Assert.Equal(ExecutionStatus.Failed, failed.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, redriven["redriveDate"]!.GetValueKind());
        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        JsonAssert.Equivalent("""{ "n": 3, "prepare": { "prepared": true }, "work": { "done": 1 } }""", finished.Output);
        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.Equal(1, described["redriveCount"]!.GetValue<int>());
        Assert.Equal(redriven["redriveDate"]!.GetValue<double>(), described["redriveDate"]!.GetValue<double>());
        Assert.Single(history, e => e.Type == "PassStateEntered");
        Assert.Equal(2, history.Count(e => e.Type == "TaskStateEntered"));
        var types = history.Select(e => e.Type).ToList();
        Assert.Equal(types.IndexOf("ExecutionFailed") + 1, types.IndexOf("ExecutionRedriven"));
        Assert.Equal(1, history.Single(e => e.Type == "ExecutionRedriven").Details["redriveCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task RedriveExecution_SucceededExecution_FailsExecutionNotRedrivable()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("redrivable", TwoSteps);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"n\":3}"}""");
        await FinishAsync(harness, arn);

        var failure = await harness.FailureOfAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");

        Assert.Equal("ExecutionNotRedrivable", failure.ErrorCode);
        Assert.Contains("SUCCEEDED", failure.Message);
    }

    [Fact]
    public async Task RedriveExecution_RunningExecution_FailsExecutionNotRedrivable()
    {
        var gate = ScriptedTaskInvoker.Gated();
        await using var harness = ApiHarness.Create(gate.Invoker);
        var arn = await harness.CreateAsync("redrivable", TwoSteps);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"n\":3}"}""");
        await gate.Invoked;

        var failure = await harness.FailureOfAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");
        gate.Release.SetResult(null);

        Assert.Equal("ExecutionNotRedrivable", failure.ErrorCode);
        Assert.Contains("RUNNING", failure.Message);
    }

    [Fact]
    public async Task RedriveExecution_AbortedExecution_RunsTheStoppedStateAgain()
    {
        var attempts = 0;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker(async (_, cancellationToken) =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                stopped.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return JsonNode.Parse("\"again\"");
        });
        await using var harness = ApiHarness.Create(invoker);
        var arn = await harness.CreateAsync("redrivable", TwoSteps);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"n\":3}"}""");
        await stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await harness.CallAsync("StopExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");

        await harness.CallAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");
        var finished = await FinishAsync(harness, arn);

        Assert.Equal(ExecutionStatus.Succeeded, finished.Status);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task RedriveExecution_UnknownExecution_FailsExecutionDoesNotExist()
    {
        await using var harness = ApiHarness.Create();
        await harness.CreateAsync("redrivable", TwoSteps);

        var failure = await harness.FailureOfAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");

        Assert.Equal("ExecutionDoesNotExist", failure.ErrorCode);
    }

    [Fact]
    public async Task RedriveExecution_ExpressExecution_FailsExecutionNotRedrivable()
    {
        await using var harness = ApiHarness.Create(ScriptedTaskInvoker.AlwaysFailingWith("Boom"));
        var arn = await harness.CreateAsync("redrivable", TwoSteps, "EXPRESS");
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"n\":3}"}""");
        await FinishAsync(harness, arn);

        var failure = await harness.FailureOfAsync("RedriveExecution", $$"""{"executionArn":"{{ExecutionArn}}"}""");

        Assert.Equal("ExecutionNotRedrivable", failure.ErrorCode);
    }

    [Fact]
    public async Task SendTaskCallbacks_ThroughTheApi_ReachTheWaitingTask()
    {
        var token = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker((invocation, _) =>
        {
            token.TrySetResult(invocation.Parameters!["token"]!.GetValue<string>());
            return Task.FromResult<JsonNode?>(null);
        });
        await using var harness = ApiHarness.Create(invoker);
        var arn = await harness.CreateAsync("redrivable", $$"""
            { "StartAt": "Wait", "States": { "Wait": { "Type": "Task", "End": true, "HeartbeatSeconds": 600,
                "Resource": "{{LambdaInvokeTaskInvoker.Resource}}.waitForTaskToken", "Parameters": { "token.$": "$$.Task.Token" } } } }
            """);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run"}""");
        var taskToken = await token.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var unknown = await harness.FailureOfAsync("SendTaskHeartbeat", """{"taskToken":"not-a-token"}""");
        var badOutput = await harness.FailureOfAsync(
            "SendTaskSuccess", new JsonObject { ["taskToken"] = taskToken, ["output"] = "{" }.ToJsonString());
        var heartbeat = await harness.CallAsync("SendTaskHeartbeat", new JsonObject { ["taskToken"] = taskToken }.ToJsonString());
        await harness.CallAsync(
            "SendTaskSuccess", new JsonObject { ["taskToken"] = taskToken, ["output"] = """{"ok":1}""" }.ToJsonString());
        var finished = await FinishAsync(harness, arn);
        var late = await harness.FailureOfAsync(
            "SendTaskFailure", new JsonObject { ["taskToken"] = taskToken, ["error"] = "Late" }.ToJsonString());

        Assert.Equal("InvalidToken", unknown.ErrorCode);
        Assert.Equal("InvalidOutput", badOutput.ErrorCode);
        Assert.Empty(heartbeat);
        JsonAssert.Equivalent("""{"ok":1}""", finished.Output);
        Assert.Equal("TaskDoesNotExist", late.ErrorCode);
    }
}
