using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class SessionStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private static readonly DateTimeOffset HoldEnd = Start.AddMinutes(20);

    private async Task<SessionRecord> SessionAsync(string sessionId) =>
        await Stores.Sessions.GetAsync(sessionId, Cancellation) ?? throw new Xunit.Sdk.XunitException($"Session {sessionId} is gone.");

    private static SessionRecord NewSession(string sessionId, long lastSeq = 0) =>
        new(sessionId, Start, Start + SessionTtl, lastSeq) { OwnerId = UserId };

    [NodeFact]
    public async Task CreateAsync_NewSession_StartsAtSeqZeroOwnedByTheCreatorAndExpiresAfterTtl()
    {
        var sessionId = NewId();

        var session = await Stores.Sessions.CreateAsync(sessionId, UserId, Cancellation);

        Assert.Equal(NewSession(sessionId), session);
        Assert.Equal(session, await Stores.Sessions.GetAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ExistingSession_ReturnsItUnchanged()
    {
        var sessionId = await CreateSessionAsync();
        await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await Stores.Sessions.CreateAsync(sessionId, UserId, Cancellation);

        Assert.Equal(NewSession(sessionId, lastSeq: 1), again);
    }

    [NodeFact]
    public async Task CreateAsync_ExistingSessionByAnotherUser_KeepsTheFirstOwner()
    {
        var sessionId = await CreateSessionAsync();

        var again = await Stores.Sessions.CreateAsync(sessionId, "intruder", Cancellation);

        Assert.Equal(UserId, again.OwnerId);
        Assert.Equal(UserId, (await SessionAsync(sessionId)).OwnerId);
    }

    [NodeFact]
    public async Task CreateAsync_ConcurrentCallersForDifferentUsers_AllGetTheSameSessionAndOwner()
    {
        var sessionId = NewId();

        var sessions = await Task.WhenAll(
            Enumerable.Range(0, 5).Select(i => Stores.Sessions.CreateAsync(sessionId, $"user-{i}", Cancellation)));

        var owner = Assert.Single(sessions.Select(session => session.OwnerId).Distinct());
        Assert.All(sessions, session => Assert.Equal(NewSession(sessionId) with { OwnerId = owner }, session));
        Assert.Equal(owner, (await SessionAsync(sessionId)).OwnerId);
    }

    [NodeFact]
    public async Task GetAsync_AfterFrames_ReportsLastSeq()
    {
        var sessionId = await CreateSessionAsync();
        for (var i = 0; i < 3; i++) await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);

        var session = await Stores.Sessions.GetAsync(sessionId, Cancellation);

        Assert.Equal(3, session?.LastSeq);
    }

    [NodeFact]
    public async Task GetAsync_UnknownSession_ReturnsNull() =>
        Assert.Null(await Stores.Sessions.GetAsync(NewId(), Cancellation));

    [NodeFact]
    public async Task TryClaimTurnAsync_FreeSession_ClaimsItUntilTheGivenTime()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();

        var claimed = await Stores.Sessions.TryClaimTurnAsync(sessionId, requestId, Start, HoldEnd, Cancellation);

        Assert.True(claimed);
        Assert.Equal(
            NewSession(sessionId) with { ActiveTurn = requestId, ActiveTurnUntil = HoldEnd },
            await SessionAsync(sessionId));
    }

    [NodeFact]
    public async Task TryClaimTurnAsync_SameTurnAgain_ClaimsAndMovesTheHoldEnd()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        await Stores.Sessions.TryClaimTurnAsync(sessionId, requestId, Start, HoldEnd, Cancellation);

        var claimed = await Stores.Sessions.TryClaimTurnAsync(
            sessionId, requestId, Start.AddMinutes(5), HoldEnd.AddMinutes(5), Cancellation);

        Assert.True(claimed);
        Assert.Equal(HoldEnd.AddMinutes(5), (await SessionAsync(sessionId)).ActiveTurnUntil);
    }

    [NodeFact]
    public async Task TryClaimTurnAsync_HeldByAnotherTurnUntilNow_ReturnsFalseAndKeepsTheHolder()
    {
        var sessionId = await CreateSessionAsync();
        var holder = NewId();
        await Stores.Sessions.TryClaimTurnAsync(sessionId, holder, Start, HoldEnd, Cancellation);

        var claimed = await Stores.Sessions.TryClaimTurnAsync(sessionId, NewId(), HoldEnd, HoldEnd.AddMinutes(20), Cancellation);

        Assert.False(claimed);
        var session = await SessionAsync(sessionId);
        Assert.Equal((holder, HoldEnd), (session.ActiveTurn, session.ActiveTurnUntil));
    }

    [NodeFact]
    public async Task TryClaimTurnAsync_HolderLapsed_TakesTheSessionOver()
    {
        var sessionId = await CreateSessionAsync();
        await Stores.Sessions.TryClaimTurnAsync(sessionId, NewId(), Start, HoldEnd, Cancellation);
        var successor = NewId();

        var claimed = await Stores.Sessions.TryClaimTurnAsync(
            sessionId, successor, HoldEnd.AddMilliseconds(1), HoldEnd.AddMinutes(20), Cancellation);

        Assert.True(claimed);
        var session = await SessionAsync(sessionId);
        Assert.Equal((successor, HoldEnd.AddMinutes(20)), (session.ActiveTurn, session.ActiveTurnUntil));
    }

    [NodeFact]
    public async Task TryClaimTurnAsync_ConcurrentTurns_ExactlyOneClaims()
    {
        var sessionId = await CreateSessionAsync();
        var requestIds = Enumerable.Range(0, 10).Select(_ => NewId()).ToList();

        var claims = await Task.WhenAll(
            requestIds.Select(requestId => Stores.Sessions.TryClaimTurnAsync(sessionId, requestId, Start, HoldEnd, Cancellation)));

        Assert.Single(claims, claimed => claimed);
        Assert.Equal(requestIds[Array.IndexOf(claims, true)], (await SessionAsync(sessionId)).ActiveTurn);
    }

    [NodeFact]
    public async Task TryClaimTurnAsync_UnknownSession_ReturnsFalseAndCreatesNothing()
    {
        var sessionId = NewId();

        var claimed = await Stores.Sessions.TryClaimTurnAsync(sessionId, NewId(), Start, HoldEnd, Cancellation);

        Assert.False(claimed);
        Assert.Null(await Stores.Sessions.GetAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task ReleaseTurnAsync_ByTheHolder_FreesTheSessionForAnotherTurn()
    {
        var sessionId = await CreateSessionAsync();
        var holder = NewId();
        await Stores.Sessions.TryClaimTurnAsync(sessionId, holder, Start, HoldEnd, Cancellation);

        await Stores.Sessions.ReleaseTurnAsync(sessionId, holder, Cancellation);

        var session = await SessionAsync(sessionId);
        Assert.Equal((null, null), (session.ActiveTurn, session.ActiveTurnUntil));
        Assert.True(await Stores.Sessions.TryClaimTurnAsync(sessionId, NewId(), Start, HoldEnd, Cancellation));
    }

    [NodeFact]
    public async Task ReleaseTurnAsync_ByAnotherTurn_ChangesNothing()
    {
        var sessionId = await CreateSessionAsync();
        var holder = NewId();
        await Stores.Sessions.TryClaimTurnAsync(sessionId, holder, Start, HoldEnd, Cancellation);
        var before = await SessionAsync(sessionId);

        await Stores.Sessions.ReleaseTurnAsync(sessionId, NewId(), Cancellation);

        Assert.Equal(before, await SessionAsync(sessionId));
        Assert.False(await Stores.Sessions.TryClaimTurnAsync(sessionId, NewId(), Start, HoldEnd, Cancellation));
    }

    [NodeFact]
    public async Task ReleaseTurnAsync_UnknownSession_CreatesNothing()
    {
        var sessionId = NewId();

        await Stores.Sessions.ReleaseTurnAsync(sessionId, NewId(), Cancellation);

        Assert.Null(await Stores.Sessions.GetAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task SignalAsync_Twice_MovesTheSignalThatTheNextFrameAppendReturns()
    {
        var sessionId = await CreateSessionAsync();
        var before = await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);

        await Stores.Sessions.SignalAsync(sessionId, Cancellation);
        await Stores.Sessions.SignalAsync(sessionId, Cancellation);
        var after = await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);

        Assert.Equal(before.SessionSignal + 2, after.SessionSignal);
        Assert.Equal(after.SessionSignal, (await SessionAsync(sessionId)).Signal);
    }

    [NodeFact]
    public async Task SignalAsync_UnknownSession_CreatesNothing()
    {
        var sessionId = NewId();

        await Stores.Sessions.SignalAsync(sessionId, Cancellation);

        Assert.Null(await Stores.Sessions.GetAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task SubscribeAsync_NewOrResetSubscription_MovesTheSignal_ARenewalDoesNot()
    {
        var sessionId = await CreateSessionAsync();
        var start = (await SessionAsync(sessionId)).Signal;

        await Stores.Subscriptions.SubscribeAsync(sessionId, "c1", 0, resetCursor: false, Start.AddHours(1), Cancellation);
        var added = (await SessionAsync(sessionId)).Signal;
        await Stores.Subscriptions.SubscribeAsync(sessionId, "c1", 0, resetCursor: false, Start.AddHours(2), Cancellation);
        var renewed = (await SessionAsync(sessionId)).Signal;
        await Stores.Subscriptions.SubscribeAsync(sessionId, "c1", 0, resetCursor: true, Start.AddHours(2), Cancellation);
        var reset = (await SessionAsync(sessionId)).Signal;

        Assert.Equal([start + 1, start + 1, start + 2], [added, renewed, reset]);
    }
}
