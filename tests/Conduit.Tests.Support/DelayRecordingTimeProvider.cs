namespace Conduit.Tests.Support;

/// <summary>
/// A virtual clock that records every delay asked of it, for code whose waits are the thing under test (retry
/// back-off, a model's token pacing). Timers fire when <see cref="Advance"/> moves the clock past them, all at the
/// new time. With auto-advance, a delay (<c>Task.Delay</c>) instead moves the clock to its due time and completes
/// straight away on the thread pool, so back-off costs no real time, while timeouts
/// (<see cref="CancellationTokenSource"/> timers) still wait for <see cref="Advance"/>: otherwise every timeout would
/// expire at once. Without it, a delay never ends unless advanced past, so a test can cancel the code mid-wait.
/// Unlike <see cref="ManualTimeProvider"/> it fires no periodic timers and does not stop at each due instant.
/// </summary>
public sealed class DelayRecordingTimeProvider(bool autoAdvance = false) : TimeProvider
{
    public static readonly DateTimeOffset Start = new(2025, 1, 15, 9, 30, 0, TimeSpan.Zero);

    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _pending = [];
    private readonly List<TimeSpan> _requestedDelays = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _delayWaiters = [];
    private DateTimeOffset _now = Start;

    public IReadOnlyList<TimeSpan> RequestedDelays
    {
        get
        {
            lock (_gate) return [.. _requestedDelays];
        }
    }

    /// <summary>Completes once <paramref name="count"/> delays in all have been asked for.</summary>
    public Task DelaysRequestedAsync(int count)
    {
        lock (_gate)
        {
            if (_requestedDelays.Count >= count) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _delayWaiters.Add((count, reached));
            return reached.Task;
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state, isTimeout: state is CancellationTokenSource);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan duration)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _now += duration;
            due = [.. _pending.Where(timer => timer.DueAt <= _now).OrderBy(timer => timer.DueAt)];
            _pending.RemoveAll(due.Contains);
        }

        foreach (var timer in due) timer.Fire(timer.Generation);
    }

    private void Schedule(ManualTimer timer, TimeSpan dueTime)
    {
        int generation;
        lock (_gate)
        {
            _pending.Remove(timer);
            generation = ++timer.Generation;
            if (dueTime == Timeout.InfiniteTimeSpan) return;

            if (!timer.IsTimeout) RecordDelay(dueTime);
            timer.DueAt = _now + dueTime;
            if ((!autoAdvance || timer.IsTimeout) && dueTime > TimeSpan.Zero)
            {
                _pending.Add(timer);
                return;
            }
        }

        // Fired from the thread pool, never inside CreateTimer or Change: their callers are not ready for the
        // callback until those calls return.
        ThreadPool.QueueUserWorkItem(_ =>
        {
            lock (_gate)
            {
                if (timer.DueAt > _now) _now = timer.DueAt;
            }

            timer.Fire(generation);
        });
    }

    private void RecordDelay(TimeSpan dueTime)
    {
        _requestedDelays.Add(dueTime);
        foreach (var (_, reached) in _delayWaiters.Where(waiter => waiter.Count <= _requestedDelays.Count)) reached.TrySetResult();
        _delayWaiters.RemoveAll(waiter => waiter.Reached.Task.IsCompleted);
    }

    private void Cancel(ManualTimer timer)
    {
        lock (_gate)
        {
            _pending.Remove(timer);
            timer.Generation++;
        }
    }

    private sealed class ManualTimer(DelayRecordingTimeProvider owner, TimerCallback callback, object? state, bool isTimeout) : ITimer
    {
        public bool IsTimeout { get; } = isTimeout;

        public DateTimeOffset DueAt { get; set; }

        /// <summary>Bumped by every Change and Dispose, so a firing scheduled before them is dropped.</summary>
        public int Generation { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (period != Timeout.InfiniteTimeSpan) throw new NotSupportedException("Periodic timers are not simulated.");
            owner.Schedule(this, dueTime);
            return true;
        }

        public void Fire(int generation)
        {
            bool current;
            lock (owner._gate) current = generation == Generation;
            if (current) callback(state);
        }

        public void Dispose() => owner.Cancel(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
