using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class SubscriptionStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    /// <summary>Whole seconds, which every backend stores exactly (DynamoDB keeps TTLs in seconds).</summary>
    private static readonly DateTimeOffset Expiry = Start.AddHours(2);

    private static readonly DateTimeOffset LeaseEnd = Start.AddSeconds(30);

    private async Task<(string SessionId, string ConnectionId)> SubscribedAsync(long deliveredSeq = 0)
    {
        var (sessionId, connectionId) = (NewId(), NewId());
        await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, deliveredSeq, resetCursor: false, Expiry, Cancellation);
        return (sessionId, connectionId);
    }

    private async Task<Subscription?> FindAsync(string sessionId, string connectionId) =>
        (await Stores.Subscriptions.ListAsync(sessionId, Cancellation)).SingleOrDefault(
            subscription => subscription.ConnectionId == connectionId);

    [NodeFact]
    public async Task SubscribeAsync_NewSubscription_StartsAtTheGivenCursor()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 5);

        Assert.Equal([new Subscription(sessionId, connectionId, 5, Expiry)], await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task SubscribeAsync_ExistingWithoutReset_KeepsTheCursorAndRenewsTheExpiry()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 5);

        await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, 2, resetCursor: false, Expiry.AddHours(1), Cancellation);

        Assert.Equal(new Subscription(sessionId, connectionId, 5, Expiry.AddHours(1)), await FindAsync(sessionId, connectionId));
    }

    [NodeFact]
    public async Task SubscribeAsync_ExistingWithReset_MovesTheCursor()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 5);

        await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, 2, resetCursor: true, Expiry.AddHours(1), Cancellation);

        Assert.Equal(new Subscription(sessionId, connectionId, 2, Expiry.AddHours(1)), await FindAsync(sessionId, connectionId));
    }

    [NodeFact]
    public async Task SubscribeAsync_NewWithReset_StartsAtTheGivenCursor()
    {
        var (sessionId, connectionId) = (NewId(), NewId());

        await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, 7, resetCursor: true, Expiry, Cancellation);

        Assert.Equal(new Subscription(sessionId, connectionId, 7, Expiry), await FindAsync(sessionId, connectionId));
    }

    [NodeFact]
    public async Task ListAsync_SeveralConnections_ReturnsEveryOneOfThatSessionOnly()
    {
        var sessionId = NewId();
        var connections = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
        foreach (var connectionId in connections)
            await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, 0, resetCursor: false, Expiry, Cancellation);
        await Stores.Subscriptions.SubscribeAsync(NewId(), connections[0], 0, resetCursor: false, Expiry, Cancellation);

        var listed = await Stores.Subscriptions.ListAsync(sessionId, Cancellation);

        Assert.Equal(
            connections.Order(StringComparer.Ordinal).Select(connectionId => new Subscription(sessionId, connectionId, 0, Expiry)),
            listed.OrderBy(subscription => subscription.ConnectionId, StringComparer.Ordinal));
    }

    [NodeFact]
    public async Task ListAsync_UnknownSession_ReturnsNothing() =>
        Assert.Empty(await Stores.Subscriptions.ListAsync(NewId(), Cancellation));

    [NodeFact]
    public async Task TryLeaseAsync_FreeSubscription_ReturnsItWithItsCursor()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 3);

        var leased = await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        Assert.Equal(new Subscription(sessionId, connectionId, 3, Expiry), leased);
    }

    [NodeFact]
    public async Task TryLeaseAsync_HeldByAnotherOwnerUntilNow_ReturnsNull()
    {
        var (sessionId, connectionId) = await SubscribedAsync();
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        var leased = await Stores.Subscriptions.TryLeaseAsync(
            sessionId, connectionId, "owner-b", LeaseEnd, LeaseEnd.AddSeconds(30), Cancellation);

        Assert.Null(leased);
    }

    [NodeFact]
    public async Task TryLeaseAsync_SameOwnerAgain_ExtendsItsLease()
    {
        var (sessionId, connectionId) = await SubscribedAsync();
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        var again = await Stores.Subscriptions.TryLeaseAsync(
            sessionId, connectionId, "owner-a", LeaseEnd, LeaseEnd.AddSeconds(30), Cancellation);

        Assert.NotNull(again);
        Assert.Null(
            await Stores.Subscriptions.TryLeaseAsync(
                sessionId, connectionId, "owner-b", LeaseEnd.AddSeconds(1), LeaseEnd.AddSeconds(60), Cancellation));
    }

    [NodeFact]
    public async Task TryLeaseAsync_LeaseLapsed_AnotherOwnerTakesIt()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 4);
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        var leased = await Stores.Subscriptions.TryLeaseAsync(
            sessionId, connectionId, "owner-b", LeaseEnd.AddMilliseconds(1), LeaseEnd.AddSeconds(30), Cancellation);

        Assert.Equal(new Subscription(sessionId, connectionId, 4, Expiry), leased);
        Assert.Null(
            await Stores.Subscriptions.TryLeaseAsync(
                sessionId, connectionId, "owner-a", LeaseEnd.AddSeconds(1), LeaseEnd.AddSeconds(60), Cancellation));
    }

    [NodeFact]
    public async Task TryLeaseAsync_ConcurrentOwners_ExactlyOneWins()
    {
        var (sessionId, connectionId) = await SubscribedAsync();

        var leases = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(i => Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, $"owner-{i}", Start, LeaseEnd, Cancellation)));

        Assert.Single(leases, lease => lease is not null);
    }

    [NodeFact]
    public async Task TryLeaseAsync_UnknownSubscription_ReturnsNullAndCreatesNothing()
    {
        var sessionId = NewId();

        var leased = await Stores.Subscriptions.TryLeaseAsync(sessionId, NewId(), "owner-a", Start, LeaseEnd, Cancellation);

        Assert.Null(leased);
        Assert.Empty(await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task ReleaseAsync_ByTheOwner_MovesTheCursorAndFreesTheLease()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 2);
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        await Stores.Subscriptions.ReleaseAsync(sessionId, connectionId, "owner-a", 9, Cancellation);

        var next = await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-b", Start, LeaseEnd, Cancellation);
        Assert.Equal(new Subscription(sessionId, connectionId, 9, Expiry), next);
    }

    [NodeFact]
    public async Task ReleaseAsync_ByAnotherOwner_ChangesNothing()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 2);
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);

        await Stores.Subscriptions.ReleaseAsync(sessionId, connectionId, "owner-b", 9, Cancellation);

        Assert.Equal(2, (await FindAsync(sessionId, connectionId))?.DeliveredSeq);
        Assert.Null(await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-b", Start, LeaseEnd, Cancellation));
    }

    [NodeFact]
    public async Task ReleaseAsync_OwnerWhoseLeaseWasTakenOver_ChangesNothing()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 2);
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, LeaseEnd, Cancellation);
        await Stores.Subscriptions.TryLeaseAsync(
            sessionId, connectionId, "owner-b", LeaseEnd.AddSeconds(1), LeaseEnd.AddSeconds(31), Cancellation);

        await Stores.Subscriptions.ReleaseAsync(sessionId, connectionId, "owner-a", 9, Cancellation);

        Assert.Equal(2, (await FindAsync(sessionId, connectionId))?.DeliveredSeq);
        Assert.Null(
            await Stores.Subscriptions.TryLeaseAsync(
                sessionId, connectionId, "owner-c", LeaseEnd.AddSeconds(2), LeaseEnd.AddSeconds(32), Cancellation));
    }

    [NodeFact]
    public async Task ReleaseAsync_UnknownSubscription_CreatesNothing()
    {
        var sessionId = NewId();

        await Stores.Subscriptions.ReleaseAsync(sessionId, NewId(), "owner-a", 9, Cancellation);

        Assert.Empty(await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task RemoveAsync_OneOfTwo_LeavesTheOther()
    {
        var (sessionId, removed) = await SubscribedAsync();
        var kept = NewId();
        await Stores.Subscriptions.SubscribeAsync(sessionId, kept, 0, resetCursor: false, Expiry, Cancellation);

        await Stores.Subscriptions.RemoveAsync(sessionId, removed, Cancellation);

        Assert.Equal([new Subscription(sessionId, kept, 0, Expiry)], await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task RemoveConnectionAsync_SubscribedToSeveralSessions_RemovesEveryOneOfThatConnectionOnly()
    {
        var connectionId = NewId();
        var other = NewId();
        var sessions = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
        foreach (var sessionId in sessions)
        {
            await Stores.Subscriptions.SubscribeAsync(sessionId, connectionId, 0, resetCursor: false, Expiry, Cancellation);
            await Stores.Subscriptions.SubscribeAsync(sessionId, other, 0, resetCursor: false, Expiry, Cancellation);
        }

        await Stores.Subscriptions.RemoveConnectionAsync(connectionId, Cancellation);

        foreach (var sessionId in sessions)
            Assert.Equal([new Subscription(sessionId, other, 0, Expiry)], await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task RemoveConnectionAsync_UnknownConnection_ChangesNothing()
    {
        var (sessionId, connectionId) = await SubscribedAsync();

        await Stores.Subscriptions.RemoveConnectionAsync(NewId(), Cancellation);

        Assert.Equal([new Subscription(sessionId, connectionId, 0, Expiry)], await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task TryAdvanceAsync_CursorAtFromAndNoLease_MovesTheCursor()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 4);

        Assert.True(await Stores.Subscriptions.TryAdvanceAsync(sessionId, connectionId, 4, 5, Start, Cancellation));

        Assert.Equal(5, (await FindAsync(sessionId, connectionId))?.DeliveredSeq);
    }

    [NodeFact]
    public async Task TryAdvanceAsync_CursorElsewhere_ReturnsFalseAndLeavesIt()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 2);

        Assert.False(await Stores.Subscriptions.TryAdvanceAsync(sessionId, connectionId, 4, 5, Start, Cancellation));

        Assert.Equal(2, (await FindAsync(sessionId, connectionId))?.DeliveredSeq);
    }

    [NodeFact]
    public async Task TryAdvanceAsync_LeaseHeld_ReturnsFalse_OnceItLapses_MovesTheCursor()
    {
        var (sessionId, connectionId) = await SubscribedAsync(deliveredSeq: 4);
        Assert.NotNull(await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "replay", Start, LeaseEnd, Cancellation));

        Assert.False(await Stores.Subscriptions.TryAdvanceAsync(sessionId, connectionId, 4, 5, Start, Cancellation));
        Assert.True(await Stores.Subscriptions.TryAdvanceAsync(sessionId, connectionId, 4, 5, LeaseEnd.AddSeconds(1), Cancellation));

        Assert.Equal(5, (await FindAsync(sessionId, connectionId))?.DeliveredSeq);
    }

    [NodeFact]
    public async Task TryAdvanceAsync_NoSuchSubscription_ReturnsFalseAndCreatesNothing()
    {
        var sessionId = NewId();

        Assert.False(await Stores.Subscriptions.TryAdvanceAsync(sessionId, "c1", 0, 1, Start, Cancellation));

        Assert.Empty(await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
    }
}
