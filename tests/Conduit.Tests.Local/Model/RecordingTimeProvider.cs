namespace Conduit.Tests.Local.Model;

/// <summary>
/// A time provider that records every timer asked for and either fires it at once, so delays cost
/// no wall-clock time, or never fires it, so a test can cancel while the code is waiting.
/// </summary>
internal sealed class RecordingTimeProvider(bool firesTimers = true) : TimeProvider
{
    public List<TimeSpan> RequestedDelays { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        RequestedDelays.Add(dueTime);
        if (firesTimers)
        {
            callback(state);
        }

        return new InertTimer();
    }

    private sealed class InertTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
