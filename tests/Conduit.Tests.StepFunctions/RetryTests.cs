using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

public sealed class RetryTests
{
    private static TimeSpan[] Seconds(params double[] values) => [.. values.Select(TimeSpan.FromSeconds)];

    [Fact]
    public async Task Retry_BackoffRateTwo_WaitsOneTwoFourSecondsThenSucceeds()
    {
        var invoker = ScriptedTaskInvoker.FailingWith(["Throttled", "Throttled", "Throttled"]);
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Retry": [ { "ErrorEquals": ["Throttled"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2 } ] }"""),
            invoker);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(4, invoker.Invocations.Count);
        Assert.Equal(Seconds(1, 2, 4), harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_Defaults_AreOneSecondThreeAttemptsRateTwo()
    {
        var invoker = ScriptedTaskInvoker.AlwaysFailingWith("Boom");
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Retry": [ { "ErrorEquals": ["Boom"] } ] }"""), invoker);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("Boom", execution.Error);
        Assert.Equal("failure 4", execution.Cause);
        Assert.Equal(4, invoker.Invocations.Count);
        Assert.Equal(Seconds(1, 2, 4), harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_MaxDelaySeconds_CapsTheBackoff()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Retry": [ { "ErrorEquals": ["Boom"], "IntervalSeconds": 3, "MaxAttempts": 4, "BackoffRate": 3,"""
                + """ "MaxDelaySeconds": 10 } ] }"""),
            ScriptedTaskInvoker.AlwaysFailingWith("Boom"));

        await harness.RunAsync();

        Assert.Equal(Seconds(3, 9, 10, 10), harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_MaxAttemptsZero_NeverRetries()
    {
        var invoker = ScriptedTaskInvoker.AlwaysFailingWith("Boom");
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Retry": [ { "ErrorEquals": ["Boom"], "MaxAttempts": 0 }, { "ErrorEquals": ["States.ALL"], "MaxAttempts": 5 } ] }"""),
            invoker);

        var execution = await harness.RunAsync();

        Assert.Equal("Boom", execution.Error);
        Assert.Single(invoker.Invocations);
        Assert.Empty(harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_FirstMatchingRetrierDecides_LaterRetriersAreNotUsed()
    {
        var invoker = ScriptedTaskInvoker.AlwaysFailingWith("Throttled");
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""
                { "Retry": [
                    { "ErrorEquals": ["Other"], "MaxAttempts": 9 },
                    { "ErrorEquals": ["Throttled"], "MaxAttempts": 1, "IntervalSeconds": 5 },
                    { "ErrorEquals": ["States.ALL"], "MaxAttempts": 9 } ] }
                """),
            invoker);

        var execution = await harness.RunAsync();

        Assert.Equal("Throttled", execution.Error);
        Assert.Equal(2, invoker.Invocations.Count);
        Assert.Equal(Seconds(5), harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_AttemptsAreCountedPerRetrier()
    {
        var invoker = ScriptedTaskInvoker.FailingWith(["A", "B", "A", "B", "A"]);
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""
                { "Retry": [
                    { "ErrorEquals": ["A"], "MaxAttempts": 2, "IntervalSeconds": 1, "BackoffRate": 10 },
                    { "ErrorEquals": ["B"], "MaxAttempts": 2, "IntervalSeconds": 2, "BackoffRate": 10 } ] }
                """),
            invoker);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("A", execution.Error);
        Assert.Equal(5, invoker.Invocations.Count);
        Assert.Equal(Seconds(1, 2, 10, 20), harness.Time.RequestedDelays);
    }

    [Fact]
    public async Task Retry_FullJitter_KeepsEachDelayWithinItsBackoff()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Retry": [ { "ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 6, "MaxDelaySeconds": """
                + """20, "JitterStrategy": "FULL" } ] }"""),
            ScriptedTaskInvoker.AlwaysFailingWith("Boom"));

        await harness.RunAsync();

        var ceilings = Seconds(2, 4, 8, 16, 20, 20);
        var delays = harness.Time.RequestedDelays;
        Assert.Equal(ceilings.Length, delays.Count);
        Assert.All(delays.Zip(ceilings), pair => Assert.InRange(pair.First, TimeSpan.Zero, pair.Second));
        Assert.NotEqual(ceilings, delays);
    }

    [Fact]
    public async Task Retry_ContextRetryCount_CountsRetriesOfTheStateEntry()
    {
        var invoker = ScriptedTaskInvoker.FailingWith(["Boom", "Boom"]);
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Parameters": { "retry.$": "$$.State.RetryCount" }, "Retry": [ { "ErrorEquals": ["Boom"] } ] }"""),
            invoker);

        await harness.RunAsync();

        Assert.Equal([0, 1, 2], invoker.Invocations.Select(invocation => invocation.Parameters!["retry"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Retry_StatesTaskFailed_DoesNotRetryTimeouts()
    {
        var time = new DelayRecordingTimeProvider();
        var neverAnswers = ScriptedTaskInvoker.Gated();
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "TimeoutSeconds": 5, "Retry": [ { "ErrorEquals": ["States.TaskFailed"] } ] }"""),
            neverAnswers.Invoker,
            time);

        await harness.Emulator.StartExecutionAsync("execution-1", "{}");
        await neverAnswers.Invoked;
        time.Advance(TimeSpan.FromSeconds(5));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(StatesErrors.Timeout, execution.Error);
        Assert.Single(neverAnswers.Invoker.Invocations);
    }

    [Fact]
    public async Task Retry_EachAttempt_IsRecordedWithinOneStateEntry()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""{ "Retry": [ { "ErrorEquals": ["Boom"] } ] }"""), ScriptedTaskInvoker.FailingWith(["Boom"]));

        await harness.RunAsync();

        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskSucceeded",
                "TaskStateExited", "ExecutionSucceeded",
            ],
            await harness.EventTypesAsync());
    }
}
