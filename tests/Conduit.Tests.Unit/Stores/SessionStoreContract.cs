using Conduit.Shared.Ports;

namespace Conduit.Tests.Unit.Stores;

public abstract class SessionStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [NodeFact]
    public async Task CreateAsync_NewSession_StartsAtSeqZeroAndExpiresAfterTtl()
    {
        var sessionId = NewId();

        var session = await Stores.Sessions.CreateAsync(sessionId, Cancellation);

        Assert.Equal(new SessionRecord(sessionId, Start, Start + SessionTtl, 0), session);
        Assert.Equal(session, await Stores.Sessions.GetAsync(sessionId, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ExistingSession_ReturnsItUnchanged()
    {
        var sessionId = await CreateSessionAsync();
        await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await Stores.Sessions.CreateAsync(sessionId, Cancellation);

        Assert.Equal(new SessionRecord(sessionId, Start, Start + SessionTtl, 1), again);
    }

    [NodeFact]
    public async Task CreateAsync_ConcurrentCallers_AllGetTheSameSession()
    {
        var sessionId = NewId();

        var sessions = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Stores.Sessions.CreateAsync(sessionId, Cancellation)));

        Assert.All(sessions, session => Assert.Equal(new SessionRecord(sessionId, Start, Start + SessionTtl, 0), session));
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
}
