using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class SessionDirectoryContract(IStoreBackend backend) : StoreContract(backend)
{
    /// <summary>A user of this test alone: the DynamoDB backend shares its tables across tests.</summary>
    private readonly string _owner = NewId();

    /// <summary>A session of <see cref="_owner"/> created one minute after the last, with its first question in history.</summary>
    private async Task<string> SessionAsync(string? question = null)
    {
        Clock.Advance(TimeSpan.FromMinutes(1));
        var sessionId = NewId();
        await Stores.Sessions.CreateAsync(sessionId, _owner, Cancellation);
        if (question is not null)
        {
            var requestId = NewId();
            await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.User, question, MessageStatuses.Complete, Cancellation);
            await Stores.History.AppendAsync(
                sessionId, requestId, MessageRoles.Assistant, "answer", MessageStatuses.Complete, Cancellation);
        }
        return sessionId;
    }

    private async Task<List<SessionSummary>> ListAllAsync(int pageSize)
    {
        var all = new List<SessionSummary>();
        SessionCursor? cursor = null;
        do
        {
            var page = await Stores.SessionDirectory.ListAsync(_owner, cursor, pageSize, Cancellation);
            Assert.InRange(page.Sessions.Count, 0, pageSize);
            all.AddRange(page.Sessions);
            cursor = page.Next;
        }
        while (cursor is not null);
        return all;
    }

    [NodeFact]
    public async Task ListAsync_SessionsOfTheOwner_NewestFirstTitledByTheFirstQuestion()
    {
        var first = await SessionAsync("What is a seq?");
        var second = await SessionAsync("How does resume work?");
        var untitled = await SessionAsync();
        await Stores.Sessions.CreateAsync(NewId(), NewId(), Cancellation);

        var page = await Stores.SessionDirectory.ListAsync(_owner, null, 10, Cancellation);

        Assert.Equal(
            [
                new SessionSummary(untitled, "", Start.AddMinutes(3)),
                new SessionSummary(second, "How does resume work?", Start.AddMinutes(2)),
                new SessionSummary(first, "What is a seq?", Start.AddMinutes(1)),
            ],
            page.Sessions);
        Assert.Null(page.Next);
    }

    [NodeFact]
    public async Task ListAsync_PagedByCursor_ReturnsEverySessionOnce()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++) created.Add(await SessionAsync($"question {i}"));

        var listed = await ListAllAsync(pageSize: 2);

        Assert.Equal(Enumerable.Reverse(created), listed.Select(s => s.SessionId));
    }

    [NodeFact]
    public async Task ListAsync_ExpiredSession_IsLeftOut()
    {
        var old = await SessionAsync("old");
        Clock.Advance(SessionTtl - TimeSpan.FromMinutes(1));
        var recent = await SessionAsync("recent");
        Clock.Advance(TimeSpan.FromMinutes(1));

        var page = await Stores.SessionDirectory.ListAsync(_owner, null, 10, Cancellation);

        Assert.Equal([recent], page.Sessions.Select(s => s.SessionId));
        Assert.DoesNotContain(old, page.Sessions.Select(s => s.SessionId));
    }

    [NodeFact]
    public async Task RenameAsync_ExistingSession_TheTitleReplacesTheQuestion()
    {
        var sessionId = await SessionAsync("What is a seq?");

        Assert.True(await Stores.SessionDirectory.RenameAsync(sessionId, "Seqs", Cancellation));
        Assert.True(await Stores.SessionDirectory.RenameAsync(sessionId, "Seqs, again", Cancellation));

        var page = await Stores.SessionDirectory.ListAsync(_owner, null, 10, Cancellation);
        Assert.Equal("Seqs, again", Assert.Single(page.Sessions).Title);
    }

    [NodeFact]
    public async Task RenameAsync_MissingSession_ReturnsFalseAndCreatesNothing()
    {
        var missing = NewId();

        Assert.False(await Stores.SessionDirectory.RenameAsync(missing, "Title", Cancellation));

        Assert.Null(await Stores.Sessions.GetAsync(missing, Cancellation));
    }

    [NodeFact]
    public async Task DeleteAsync_Session_RemovesItsHistoryFramesTurnsAndSubscriptionsAndLeavesOthers()
    {
        var kept = await SessionAsync("keep me");
        var doomed = await SessionAsync("delete me");
        foreach (var sessionId in new[] { kept, doomed })
        {
            await Stores.Frames.AppendAsync(sessionId, NewId(), seq => $"{{\"seq\":{seq}}}", Cancellation);
            await Stores.Subscriptions.SubscribeAsync(sessionId, NewId(), 0, resetCursor: false, Start.AddHours(2), Cancellation);
        }
        var turn = new TurnRecord(NewId(), doomed, NewId(), "delete me", TurnStatus.Completed, Start, Start, null) { UserId = _owner };
        await Stores.Turns.CreateAsync(turn, Cancellation);

        await Stores.SessionDirectory.DeleteAsync(doomed, Cancellation);

        Assert.Null(await Stores.Sessions.GetAsync(doomed, Cancellation));
        Assert.Empty(await Stores.History.ReadLatestAsync(doomed, long.MaxValue, 10, Cancellation));
        Assert.Empty(await Stores.Frames.ReadAfterAsync(doomed, 0, 10, Cancellation));
        Assert.Empty(await Stores.Subscriptions.ListAsync(doomed, Cancellation));
        Assert.Null(await Stores.Turns.GetAsync(turn.Key, Cancellation));
        Assert.Equal([kept], (await Stores.SessionDirectory.ListAsync(_owner, null, 10, Cancellation)).Sessions.Select(s => s.SessionId));
        Assert.Equal(2, (await Stores.History.ReadLatestAsync(kept, long.MaxValue, 10, Cancellation)).Count);
        Assert.Single(await Stores.Frames.ReadAfterAsync(kept, 0, 10, Cancellation));
        Assert.Single(await Stores.Subscriptions.ListAsync(kept, Cancellation));
    }

    [NodeFact]
    public async Task DeleteAsync_MissingSession_ChangesNothing()
    {
        var kept = await SessionAsync("keep me");

        await Stores.SessionDirectory.DeleteAsync(NewId(), Cancellation);

        Assert.Single((await Stores.SessionDirectory.ListAsync(_owner, null, 10, Cancellation)).Sessions);
    }
}
