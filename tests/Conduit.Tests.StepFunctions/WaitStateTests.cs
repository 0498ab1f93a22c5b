using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// Wait states. The definitions are the AWS documentation's examples (Step Functions developer guide, "Wait workflow
/// state"): <c>Seconds</c>, <c>Timestamp</c>, <c>SecondsPath</c> and <c>TimestampPath</c>, each passing its input on unchanged.
/// </summary>
public sealed class WaitStateTests
{
    private static string WaitThenDone(string waitFieldsJson) => $$"""
        { "StartAt": "wait_ten_seconds", "States": {
            "wait_ten_seconds": { "Type": "Wait", {{waitFieldsJson}}, "Next": "NextState" },
            "NextState": { "Type": "Succeed" } } }
        """;

    [Fact]
    public async Task Wait_Seconds_WaitsThatLongOnTheClockAndPassesInputOn()
    {
        var time = new DelayRecordingTimeProvider();
        await using var harness = EmulatorHarness.Create(WaitThenDone("\"Seconds\": 10"), time: time);

        await harness.Emulator.StartExecutionAsync("execution-1", """{ "kept": 1 }""");
        await time.DelaysRequestedAsync(1);
        time.Advance(TimeSpan.FromSeconds(9));
        var stillWaiting = await harness.Emulator.DescribeExecutionAsync("execution-1");
        time.Advance(TimeSpan.FromSeconds(1));
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(ExecutionStatus.Running, stillWaiting.Status);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "kept": 1 }""", execution.Output);
        Assert.Equal([TimeSpan.FromSeconds(10)], time.RequestedDelays);
        Assert.Equal(
            ["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"],
            await harness.EventTypesAsync());
    }

    [Fact]
    public async Task Wait_Timestamp_WaitsUntilThatInstant()
    {
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var until = DelayRecordingTimeProvider.Start.AddMinutes(30);
        await using var harness = EmulatorHarness.Create(WaitThenDone($"\"Timestamp\": \"{AslTimestamp.Format(until)}\""), time: time);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal([TimeSpan.FromMinutes(30)], time.RequestedDelays);
    }

    [Fact]
    public async Task Wait_TimestampInThePast_DoesNotWait()
    {
        var time = new DelayRecordingTimeProvider();
        await using var harness = EmulatorHarness.Create(WaitThenDone("\"Timestamp\": \"2016-03-14T01:59:00Z\""), time: time);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Empty(time.RequestedDelays);
    }

    [Fact]
    public async Task Wait_SecondsPath_ReadsTheDelayFromTheInput()
    {
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await using var harness = EmulatorHarness.Create(WaitThenDone("\"SecondsPath\": \"$.expiry\""), time: time);

        var execution = await harness.RunAsync("""{ "expiry": 42 }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal([TimeSpan.FromSeconds(42)], time.RequestedDelays);
    }

    [Fact]
    public async Task Wait_TimestampPath_ReadsTheInstantFromTheInput()
    {
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await using var harness = EmulatorHarness.Create(WaitThenDone("\"TimestampPath\": \"$.expirydate\""), time: time);

        var execution = await harness.RunAsync("""{ "expirydate": "2025-01-15T10:30:00Z" }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal([TimeSpan.FromHours(1)], time.RequestedDelays);
    }

    [Theory]
    [InlineData("SecondsPath", """{ "expiry": "soon" }""")]
    [InlineData("SecondsPath", """{ "expiry": -5 }""")]
    [InlineData("TimestampPath", """{ "expiry": "tomorrow" }""")]
    public async Task Wait_PathToInvalidValue_FailsWithStatesRuntime(string field, string input)
    {
        await using var harness = EmulatorHarness.Create(WaitThenDone($"\"{field}\": \"$.expiry\""));

        var execution = await harness.RunAsync(input);

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains($"{field} '$.expiry'", execution.Cause);
    }

    [Fact]
    public async Task Wait_StoppedWhileWaiting_EndsAborted()
    {
        var time = new DelayRecordingTimeProvider();
        await using var harness = EmulatorHarness.Create(WaitThenDone("\"Seconds\": 3600"), time: time);

        await harness.Emulator.StartExecutionAsync("execution-1", "{}");
        await time.DelaysRequestedAsync(1);
        await harness.Emulator.StopExecutionAsync("execution-1", "Stopped", "by the test");
        var execution = await harness.Emulator.WaitForCompletionAsync("execution-1");

        Assert.Equal(ExecutionStatus.Aborted, execution.Status);
        Assert.Equal(["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"], await harness.EventTypesAsync());
    }
}
