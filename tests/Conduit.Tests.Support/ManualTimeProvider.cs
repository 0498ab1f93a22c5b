namespace Conduit.Tests.Support;

/// <summary>
/// A clock that moves only when told to, firing the timers it passes one by one, on the caller's thread, with the
/// clock standing at each one's due instant; periodic timers go round again. Unlike
/// <see cref="DelayRecordingTimeProvider"/> it never fires a timer by itself and keeps no record of delays.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Runs as a timer is requested and before it is armed, standing in for a clock that moves meanwhile.</summary>
    public Action? BeforeTimerArmed { get; set; }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        BeforeTimerArmed?.Invoke();
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock forward, running each timer that comes due on this thread with the clock at its due instant.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock) target = _now + by;

        while (true)
        {
            ManualTimer? due;
            lock (_lock)
            {
                due = _timers.Where(timer => timer.DueAt <= target).MinBy(timer => timer.DueAt);
                if (due is null)
                {
                    _now = target;
                    return;
                }

                _now = due.DueAt!.Value;
                due.Reschedule(_now);
            }

            due.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public DateTimeOffset? DueAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                _period = period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                if (DueAt is not null) owner._timers.Add(this);
            }

            return true;
        }

        /// <summary>
        /// Called under the owner's lock as the timer fires: a periodic timer goes round again, a one-shot one is done.
        /// </summary>
        public void Reschedule(DateTimeOffset firedAt)
        {
            owner._timers.Remove(this);
            DueAt = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? firedAt + _period : null;
            if (DueAt is not null) owner._timers.Add(this);
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
