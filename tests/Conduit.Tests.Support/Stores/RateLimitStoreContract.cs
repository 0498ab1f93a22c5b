using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class RateLimitStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private static readonly RateLimit ThreeThenOneEveryTenSeconds = new(Burst: 3, PerMinute: 6);

    private static readonly RateLimitDecision Allowed = new(true, TimeSpan.Zero);

    private static RateLimitDecision RefusedFor(TimeSpan retryAfter) => new(false, retryAfter);

    private async Task<List<RateLimitDecision>> TakeAsync(string key, int count, DateTimeOffset now, RateLimit? limit = null)
    {
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < count; i++)
            decisions.Add(await Stores.RateLimits.TryTakeAsync(key, limit ?? ThreeThenOneEveryTenSeconds, now, Cancellation));
        return decisions;
    }

    [NodeFact]
    public async Task TryTakeAsync_NewKey_AllowsTheBurstThenRefusesForOneTokensRefill()
    {
        var decisions = await TakeAsync(NewId(), 5, Start);

        Assert.Equal([Allowed, Allowed, Allowed, RefusedFor(TimeSpan.FromSeconds(10)), RefusedFor(TimeSpan.FromSeconds(10))], decisions);
    }

    [NodeFact]
    public async Task TryTakeAsync_PartlyRefilled_RefusesForTheRestOfTheTokenThenAllowsOne()
    {
        var key = NewId();
        await TakeAsync(key, 3, Start);

        var early = await TakeAsync(key, 1, Start.AddSeconds(4));
        var refilled = await TakeAsync(key, 2, Start.AddSeconds(10));

        Assert.Equal([RefusedFor(TimeSpan.FromSeconds(6))], early);
        Assert.Equal([Allowed, RefusedFor(TimeSpan.FromSeconds(10))], refilled);
    }

    [NodeFact]
    public async Task TryTakeAsync_RefillRateWithoutWholeMilliseconds_AllowsExactlyAfterRetryAfter()
    {
        var key = NewId();
        var limit = new RateLimit(Burst: 1, PerMinute: 7);
        await TakeAsync(key, 1, Start, limit);

        var refused = Assert.Single(await TakeAsync(key, 1, Start, limit));

        Assert.Equal(RefusedFor(TimeSpan.FromMilliseconds(8_572)), refused);
        Assert.False(Assert.Single(await TakeAsync(key, 1, Start + refused.RetryAfter - TimeSpan.FromMilliseconds(1), limit)).Allowed);
        Assert.True(Assert.Single(await TakeAsync(key, 1, Start + refused.RetryAfter, limit)).Allowed);
    }

    [NodeFact]
    public async Task TryTakeAsync_IdleLongerThanTheBurstTakesToRefill_AllowsOnlyTheBurst()
    {
        var key = NewId();
        await TakeAsync(key, 3, Start);

        var decisions = await TakeAsync(key, 4, Start.AddHours(1));

        Assert.Equal([Allowed, Allowed, Allowed, RefusedFor(TimeSpan.FromSeconds(10))], decisions);
    }

    [NodeFact]
    public async Task TryTakeAsync_ClockBehindTheBucket_RefillsNothing()
    {
        var key = NewId();
        await TakeAsync(key, 3, Start.AddSeconds(30));

        var behind = await TakeAsync(key, 1, Start);
        var caughtUp = await TakeAsync(key, 1, Start.AddSeconds(40));

        Assert.Equal([RefusedFor(TimeSpan.FromSeconds(10))], behind);
        Assert.Equal([Allowed], caughtUp);
    }

    [NodeFact]
    public async Task TryTakeAsync_OneKeyExhausted_LeavesOtherKeysFull()
    {
        var exhausted = NewId();
        await TakeAsync(exhausted, 3, Start);

        var other = await TakeAsync(NewId(), 3, Start);

        Assert.Equal([Allowed, Allowed, Allowed], other);
        Assert.False(Assert.Single(await TakeAsync(exhausted, 1, Start)).Allowed);
    }

    [NodeFact]
    public async Task TryTakeAsync_TwentyConcurrentTakesOnABucketOfFive_AllowsExactlyFive()
    {
        var key = NewId();
        var limit = new RateLimit(Burst: 5, PerMinute: 1);

        var decisions = await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => Stores.RateLimits.TryTakeAsync(key, limit, Start, Cancellation)));

        Assert.Equal(5, decisions.Count(decision => decision.Allowed));
        Assert.All(decisions.Where(decision => !decision.Allowed), decision => Assert.Equal(TimeSpan.FromMinutes(1), decision.RetryAfter));
        Assert.False((await Stores.RateLimits.TryTakeAsync(key, limit, Start, Cancellation)).Allowed);
    }

    [NodeFact]
    public async Task TryTakeAsync_LimitWithoutTokensOrRefill_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Stores.RateLimits.TryTakeAsync(NewId(), new RateLimit(0, 6), Start, Cancellation));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Stores.RateLimits.TryTakeAsync(NewId(), new RateLimit(3, 0), Start, Cancellation));
    }
}
