using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Tests.Support;

namespace Conduit.Tests.Local.Hosting;

public sealed class DelayedCallsTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly RateLimit Limit = new(1, 60);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Wrap_CallWithAResult_ReachesTheAdapterOnlyOnceTheDelayHasPassed()
    {
        var adapter = new RecordingRateLimits();
        var delayed = DelayedCalls<IRateLimitStore>.Wrap(adapter, Delay, _time);

        var taking = delayed.TryTakeAsync("messages:u", Limit, _time.GetUtcNow(), CancellationToken.None);
        _time.Advance(Delay - TimeSpan.FromTicks(1));
        var (callsBefore, completedBefore) = (adapter.Calls, taking.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal((0, false), (callsBefore, completedBefore));
        Assert.True((await taking.WaitAsync(Patience)).Allowed);
        Assert.Equal(1, adapter.Calls);
    }

    [Fact]
    public async Task Wrap_CallWithoutAResult_ReachesTheAdapterOnlyOnceTheDelayHasPassed()
    {
        var adapter = new RecordingQueue();
        var delayed = DelayedCalls<ITurnQueue>.Wrap(adapter, Delay, _time);

        var sending = delayed.EnqueueAsync(Request(), CancellationToken.None);
        _time.Advance(Delay - TimeSpan.FromTicks(1));
        var sentBefore = adapter.Sent.Count;
        _time.Advance(TimeSpan.FromTicks(1));
        await sending.WaitAsync(Patience);

        Assert.Equal(0, sentBefore);
        Assert.Equal(["r-1"], adapter.Sent);
    }

    [Fact]
    public void Wrap_ZeroDelay_GivesTheAdapterItself()
    {
        var adapter = new RecordingQueue();

        Assert.Same(adapter, DelayedCalls<ITurnQueue>.Wrap(adapter, TimeSpan.Zero, _time));
    }

    [Fact]
    public async Task Wrap_AdapterThrows_TheCallFailsWithTheAdaptersException()
    {
        var delayed = DelayedCalls<ITurnQueue>.Wrap(new RecordingQueue { Failure = new TimeoutException("queue down") }, Delay, _time);

        var sending = delayed.EnqueueAsync(Request(), CancellationToken.None);
        _time.Advance(Delay);

        var thrown = await Assert.ThrowsAsync<TimeoutException>(() => sending.WaitAsync(Patience));
        Assert.Equal("queue down", thrown.Message);
    }

    [Fact]
    public async Task Wrap_CancelledWhileWaiting_NeverReachesTheAdapter()
    {
        var adapter = new RecordingQueue();
        var delayed = DelayedCalls<ITurnQueue>.Wrap(adapter, Delay, _time);
        using var cancellation = new CancellationTokenSource();

        var sending = delayed.EnqueueAsync(Request(), cancellation.Token);
        await cancellation.CancelAsync();
        _time.Advance(Delay);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Patience));
        Assert.Empty(adapter.Sent);
    }

    private static TurnRequest Request() => new("u", "r-1", "s-1", "c-1", DateTimeOffset.UnixEpoch);

    private sealed class RecordingRateLimits : IRateLimitStore
    {
        public int Calls { get; private set; }

        public Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new RateLimitDecision(true, TimeSpan.Zero));
        }
    }

    private sealed class RecordingQueue : ITurnQueue
    {
        public List<string> Sent { get; } = [];
        public Exception? Failure { get; init; }

        public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken)
        {
            if (Failure is not null) return Task.FromException(Failure);
            Sent.Add(request.RequestId);
            return Task.CompletedTask;
        }
    }
}
