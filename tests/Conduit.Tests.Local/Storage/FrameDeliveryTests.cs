using System.Text.Json;
using Conduit.Aws;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Local.Sqlite;
using Conduit.Local.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Local.Storage;

/// <summary>Publishing and delivery over the real SQLite stores; only the @connections side is scripted.</summary>
public sealed class FrameDeliveryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Far = DateTimeOffset.UtcNow.AddHours(1);
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly ScriptedSender _sender = new();
    private SqliteConnectionStore _connections = null!;
    private SqliteFrameStore _frames = null!;
    private CountingSubscriptionStore _subscriptions = null!;
    private CountingTurnStore _turns = null!;
    private TurnCanceller _canceller = null!;
    private FrameDelivery _delivery = null!;
    private TurnFrames _turn = null!;
    private SessionReader _reader = null!;

    public async Task InitializeAsync()
    {
        ChatSchema.Create(_database);
        _connections = new SqliteConnectionStore(_database);
        _frames = new SqliteFrameStore(_database, TimeProvider.System);
        _subscriptions = new CountingSubscriptionStore(new SqliteSubscriptionStore(_database));
        _turns = new CountingTurnStore(new SqliteTurnStore(_database, TimeProvider.System));
        _delivery = new FrameDelivery(
            _frames, _subscriptions, _sender, _connections, NoMetrics.Instance, TimeProvider.System, NullLogger<FrameDelivery>.Instance);
        var publisher = new FramePublisher(_frames, _subscriptions, _turns, _delivery);
        _turn = publisher.ForTurn(new TurnReference("u1", "r1", "s1", "a="));
        var sessions = new SqliteSessionStore(_database, TimeProvider.System, TimeSpan.FromHours(1));
        _canceller = new TurnCanceller(_turns, sessions, publisher);
        _reader = new SessionReader(
            sessions, _subscriptions, _frames, new SqliteHistoryStore(_database, TimeProvider.System), _delivery, new ConduitSettings(),
            TimeProvider.System);
        await sessions.CreateAsync("s1", "u1", CancellationToken.None);
        foreach (var id in new[] { "a=", "b=" })
            await _connections.AddAsync(new ConnectionRecord(id, DateTimeOffset.UtcNow, null, null, Far), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Publish_Subscriber_GetsEveryFrameInSeqOrderAndItsCursorMoves()
    {
        await Subscribe("a=", 0);

        await _turn.StatusAsync("queued", "Queued", CancellationToken.None);
        await _turn.TokenAsync("Hello", CancellationToken.None);

        Assert.Equal([1L, 2L], _sender.Seqs("a="));
        Assert.Equal(2, (await _subscriptions.ListAsync("s1", CancellationToken.None)).Single().DeliveredSeq);
    }

    [Fact]
    public async Task Publish_TwoSubscribers_BothGetTheWholeStream()
    {
        await Subscribe("a=", 0);
        await Subscribe("b=", 0);

        for (var i = 0; i < 5; i++) await _turn.TokenAsync($"t{i} ", CancellationToken.None);

        Assert.Equal([1L, 2L, 3L, 4L, 5L], _sender.Seqs("a="));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], _sender.Seqs("b="));
    }

    [Fact]
    public async Task Publish_ConnectionGone_DropsItsSubscriptionsAndRecord_FramesStayPersisted()
    {
        await Subscribe("a=", 0);
        await Subscribe("b=", 0);
        _sender.Gone.Add("a=");

        await _turn.TokenAsync("x", CancellationToken.None);
        await _turn.TokenAsync("y", CancellationToken.None);

        Assert.Equal(["b="], (await _subscriptions.ListAsync("s1", CancellationToken.None)).Select(s => s.ConnectionId));
        Assert.Null(await _connections.GetAsync("a=", CancellationToken.None));
        Assert.Equal([1L, 2L], _sender.Seqs("b="));
        Assert.Equal(2, (await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Publish_PostFailsAfterTheSendersRetries_ClosesTheConnection_AndLaterFramesAreNotHeldBehindIt()
    {
        await Subscribe("a=", 0);
        await Subscribe("b=", 0);
        _sender.FailAlways.Add("a=");

        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        await _turn.TokenAsync("late", CancellationToken.None);

        Assert.Equal(["a="], _sender.Deleted);
        Assert.Equal(["b="], (await _subscriptions.ListAsync("s1", CancellationToken.None)).Select(s => s.ConnectionId));
        Assert.Null(await _connections.GetAsync("a=", CancellationToken.None));
        Assert.Equal([1L, 2L], _sender.Seqs("b="));
    }

    [Fact]
    public async Task Resume_WhileAnotherDelivererHoldsTheLease_AnswersOnlyTheSeqDeliveredSoFar()
    {
        foreach (var word in new[] { "One ", "two ", "three." }) await _turn.TokenAsync(word, CancellationToken.None);
        await Subscribe("a=", 0);
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await _subscriptions.TryLeaseAsync("s1", "a=", "someone-else", now, now.AddMinutes(1), CancellationToken.None));

        var answer = await _reader.ResumeAsync("a=", "u1", new ResumeCommand("s1", 0), CancellationToken.None);

        var resumed = Assert.IsType<ResumedFrame>(answer);
        Assert.Empty(_sender.Seqs("a="));
        Assert.Equal(0, resumed.LastSeq);
    }

    [Fact]
    public async Task Resume_AfterTheReplay_AnswersTheLastSeqItDelivered()
    {
        foreach (var word in new[] { "One ", "two ", "three." }) await _turn.TokenAsync(word, CancellationToken.None);

        var answer = await _reader.ResumeAsync("a=", "u1", new ResumeCommand("s1", 1), CancellationToken.None);

        Assert.Equal(3, Assert.IsType<ResumedFrame>(answer).LastSeq);
        Assert.Equal([3L], _sender.Seqs("a="));
    }

    [Fact]
    public async Task Sources_ManyLongPassages_FrameStaysUnderItsBudget_AndSaysHowManyWereLeftOut()
    {
        await Subscribe("a=", 0);
        var passages = Enumerable.Range(0, 200)
            .Select(i => new SourceReference($"doc-{i}-{new string('d', 500)}.md", $"Title {i} {new string('€', 2_000)}", 200 - i))
            .ToList();

        await _turn.SourcesAsync(passages, CancellationToken.None);

        var stored = Assert.Single(await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(stored.Json) <= ProtocolLimits.MaxSourcesBytes, $"{stored.Json.Length} chars");
        var frame = Assert.Single(_sender.Frames("a="));
        var kept = frame.GetProperty("passages").GetArrayLength();
        Assert.InRange(kept, 1, 199);
        Assert.Equal(200 - kept, frame.GetProperty("omitted").GetInt32());
        Assert.Equal(200, frame.GetProperty("passages")[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public async Task Sources_WithPassageTexts_CarryTheTextsThatFit_AndNeverDropAReferenceForThem()
    {
        await Subscribe("a=", 0);
        var passages = Enumerable.Range(0, 20)
            .Select(i => new SourceReference($"doc-{i}.md", $"Title {i}", 20 - i)
            {
                Text = $"<script>{i}</script> " + new string('p', 1_500),
            })
            .ToList();

        await _turn.SourcesAsync(passages, CancellationToken.None);

        var stored = Assert.Single(await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(stored.Json) <= ProtocolLimits.MaxSourcesBytes, $"{stored.Json.Length} chars");
        var kept = Assert.Single(_sender.Frames("a=")).GetProperty("passages").EnumerateArray().ToList();
        Assert.Equal(20, kept.Count);
        Assert.StartsWith("<script>0</script> ppp", kept[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var withText = kept.Count(p => p.TryGetProperty("text", out _));
        Assert.InRange(withText, 5, 19);
        Assert.All(kept.Take(withText), p => Assert.True(p.TryGetProperty("text", out _)));
    }

    [Fact]
    public async Task Deliver_Backlog_IsReplayedCompactedAndGapFree()
    {
        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        foreach (var word in new[] { "One ", "two ", "three." }) await _turn.TokenAsync(word, CancellationToken.None);
        await _turn.DoneAsync("end_turn", new Conduit.Core.Protocol.TokenUsage(1, 3), "offline", CancellationToken.None);
        await Subscribe("a=", 0);

        await _delivery.DeliverAsync("s1", "a=", latest: null, CancellationToken.None);

        var posted = _sender.Frames("a=");
        Assert.Equal(["status", "token", "done"], posted.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal(2, posted[1].GetProperty("firstSeq").GetInt64());
        Assert.Equal(4, posted[1].GetProperty("seq").GetInt64());
        Assert.Equal("One two three.", posted[1].GetProperty("text").GetString());
        Assert.Equal(5, posted[2].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Deliver_LeaseHeldElsewhere_PostsNothing_UntilTheHolderLetsGo()
    {
        await _turn.TokenAsync("x", CancellationToken.None);
        await Subscribe("a=", 0);
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await _subscriptions.TryLeaseAsync("s1", "a=", "someone-else", now, now.AddMinutes(1), CancellationToken.None));

        await _delivery.DeliverAsync("s1", "a=", latest: null, CancellationToken.None);
        Assert.Empty(_sender.Seqs("a="));

        await _subscriptions.ReleaseAsync("s1", "a=", "someone-else", 0, CancellationToken.None);
        await _delivery.DeliverAsync("s1", "a=", latest: null, CancellationToken.None);
        Assert.Equal([1L], _sender.Seqs("a="));
    }

    [Fact]
    public async Task Deliver_ConcurrentDeliverers_NeverRepeatOrSkipASeq()
    {
        await Subscribe("a=", 0);

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => _turn.TokenAsync($"{i} ", CancellationToken.None))));
        await _delivery.DeliverAsync("s1", "a=", latest: null, CancellationToken.None);

        var covered = _sender.Frames("a=").SelectMany(f => Covered(f)).ToList();
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), covered);
    }

    [Fact]
    public async Task Token_TwoWritersOnOneSessionAtOnce_ReachTheSocketInSeqOrderOnce()
    {
        await Subscribe("a=", 0);
        var publisher = new FramePublisher(_frames, _subscriptions, _turns, _delivery);
        var second = publisher.ForTurn(new TurnReference("u1", "r2", "s1", "a="));

        await Task.WhenAll(
            Task.Run(() => WriteTokensAsync(_turn, 100)),
            Task.Run(() => WriteTokensAsync(second, 100)));
        await _delivery.DeliverAsync("s1", "a=", latest: null, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), _sender.Frames("a=").SelectMany(f => Covered(f)));
    }

    private static async Task WriteTokensAsync(TurnFrames turn, int count)
    {
        for (var i = 0; i < count; i++) await turn.TokenAsync($"{i} ", CancellationToken.None);
    }

    [Fact]
    public async Task Token_SteadyStream_ListsTheSubscribersOnceAndTakesNoLease()
    {
        await Subscribe("a=", 0);
        await Subscribe("b=", 0);
        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        var (lists, leases) = (_subscriptions.Lists, _subscriptions.Leases);

        for (var i = 0; i < 5; i++) await _turn.TokenAsync($"t{i} ", CancellationToken.None);

        Assert.Equal((lists, leases), (_subscriptions.Lists, _subscriptions.Leases));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], _sender.Seqs("a="));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], _sender.Seqs("b="));
        Assert.All(await _subscriptions.ListAsync("s1", CancellationToken.None), s => Assert.Equal(6, s.DeliveredSeq));
    }

    [Fact]
    public async Task Token_SubscriptionAddedMidStream_GetsTheNextFrameAndWhatItMissedBeforeIt()
    {
        await Subscribe("a=", 0);
        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        await _turn.TokenAsync("one ", CancellationToken.None);
        await _subscriptions.SubscribeAsync("s1", "b=", 1, resetCursor: false, Far, CancellationToken.None);

        await _turn.TokenAsync("two ", CancellationToken.None);
        await _turn.TokenAsync("three", CancellationToken.None);

        Assert.Equal([2L, 3L, 4L], _sender.Frames("b=").SelectMany(Covered));
        Assert.Equal("one two three", string.Concat(_sender.Frames("b=").Select(f => f.GetProperty("text").GetString())));
        Assert.Equal([1L, 2L, 3L, 4L], _sender.Seqs("a="));
    }

    [Fact]
    public async Task Token_ReplayHoldsTheLease_LiveFrameWaitsForIt_AndFollowsWithoutRepeat()
    {
        await Subscribe("a=", 0);
        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await _subscriptions.TryLeaseAsync("s1", "a=", "replay", now, now.AddMinutes(1), CancellationToken.None));

        await _turn.TokenAsync("held", CancellationToken.None);
        Assert.Equal([1L], _sender.Seqs("a="));

        await _subscriptions.ReleaseAsync("s1", "a=", "replay", 1, CancellationToken.None);
        await _turn.TokenAsync(" then live", CancellationToken.None);

        Assert.Equal([1L, 2L, 3L], _sender.Frames("a=").SelectMany(Covered));
    }

    [Fact]
    public async Task CancelRequested_WhileTokensFlow_ReadsTheFlagOnlyOnceACancelMovedTheSignal()
    {
        await CreateRunningTurnAsync();
        await _turn.StatusAsync("streaming", "Writing", CancellationToken.None);
        Assert.False(await _turn.CancelRequestedAsync(CancellationToken.None));
        for (var i = 0; i < 3; i++)
        {
            await _turn.TokenAsync($"t{i} ", CancellationToken.None);
            Assert.False(await _turn.CancelRequestedAsync(CancellationToken.None));
        }
        Assert.Equal(1, _turns.CancelReads);

        Assert.Null(await _canceller.CancelAsync("u1", new CancelCommand("r1"), CancellationToken.None));
        await _turn.TokenAsync("late", CancellationToken.None);

        Assert.True(await _turn.CancelRequestedAsync(CancellationToken.None));
        Assert.Equal(2, _turns.CancelReads);
    }

    [Fact]
    public async Task CancelRequested_NothingAppendedSinceTheLastCheck_ReadsTheFlag()
    {
        await CreateRunningTurnAsync();
        await _turn.TokenAsync("t", CancellationToken.None);
        Assert.False(await _turn.CancelRequestedAsync(CancellationToken.None));
        await _turns.RequestCancelAsync(new TurnKey("u1", "r1"), CancellationToken.None);

        Assert.True(await _turn.CancelRequestedAsync(CancellationToken.None));
        Assert.Equal(2, _turns.CancelReads);
    }

    private async Task CreateRunningTurnAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await _turns.CreateAsync(
            new TurnRecord("r1", "s1", "a=", "Hi", TurnStatus.Running, now, now, null) { UserId = "u1" }, CancellationToken.None);
    }

    private static IEnumerable<long> Covered(JsonElement frame)
    {
        var last = frame.GetProperty("seq").GetInt64();
        var first = frame.TryGetProperty("firstSeq", out var from) ? from.GetInt64() : last;
        for (var seq = first; seq <= last; seq++) yield return seq;
    }

    private Task Subscribe(string connectionId, long cursor) =>
        _subscriptions.SubscribeAsync("s1", connectionId, cursor, resetCursor: true, Far, CancellationToken.None);

    private sealed class ScriptedSender : IConnectionSender
    {
        private readonly Lock _gate = new();
        private readonly List<(string Connection, JsonElement Frame)> _posted = [];

        public HashSet<string> Gone { get; } = [];
        public HashSet<string> FailAlways { get; } = [];
        public List<string> Deleted { get; } = [];

        public List<JsonElement> Frames(string connectionId)
        {
            lock (_gate) return _posted.Where(p => p.Connection == connectionId).Select(p => p.Frame).ToList();
        }

        public List<long> Seqs(string connectionId) => Frames(connectionId).Select(f => f.GetProperty("seq").GetInt64()).ToList();

        public Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            if (FailAlways.Contains(connectionId))
                return Task.FromResult(PostResult.Failed(new HttpRequestException("connection refused")));
            if (Gone.Contains(connectionId)) return Task.FromResult(PostResult.Gone);
            using var document = JsonDocument.Parse(data);
            lock (_gate) _posted.Add((connectionId, document.RootElement.Clone()));
            return Task.FromResult(PostResult.Delivered);
        }

        public Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken) => Task.FromResult<ConnectionInfo?>(
            null);

        public Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
        {
            lock (_gate) Deleted.Add(connectionId);
            return Task.FromResult(true);
        }
    }

    /// <summary>The real store, counting the calls the steady token path must not make.</summary>
    private sealed class CountingSubscriptionStore(ISubscriptionStore inner) : ISubscriptionStore
    {
        private int _lists;
        private int _leases;

        public int Lists => Volatile.Read(ref _lists);
        public int Leases => Volatile.Read(ref _leases);

        public Task SubscribeAsync(
            string sessionId,
            string connectionId,
            long deliveredSeq,
            bool resetCursor,
            DateTimeOffset expiresAt,
            CancellationToken cancellationToken) =>
            inner.SubscribeAsync(sessionId, connectionId, deliveredSeq, resetCursor, expiresAt, cancellationToken);

        public Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lists);
            return inner.ListAsync(sessionId, cancellationToken);
        }

        public Task<Subscription?> TryLeaseAsync(
            string sessionId,
            string connectionId,
            string owner,
            DateTimeOffset now,
            DateTimeOffset until,
            CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _leases);
            return inner.TryLeaseAsync(sessionId, connectionId, owner, now, until, cancellationToken);
        }

        public Task<bool> TryAdvanceAsync(
            string sessionId, string connectionId, long fromSeq, long toSeq, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.TryAdvanceAsync(sessionId, connectionId, fromSeq, toSeq, now, cancellationToken);

        public Task ReleaseAsync(
            string sessionId, string connectionId, string owner, long deliveredSeq, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(sessionId, connectionId, owner, deliveredSeq, cancellationToken);

        public Task RemoveAsync(string sessionId, string connectionId, CancellationToken cancellationToken) =>
            inner.RemoveAsync(sessionId, connectionId, cancellationToken);

        public Task RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken) =>
            inner.RemoveConnectionAsync(connectionId, cancellationToken);
    }

    /// <summary>The real store, counting reads of the cancel flag.</summary>
    private sealed class CountingTurnStore(ITurnStore inner) : ITurnStore
    {
        private int _cancelReads;

        public int CancelReads => Volatile.Read(ref _cancelReads);

        public Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken) =>
            inner.CreateAsync(turn, cancellationToken);

        public Task<TurnRecord?> GetAsync(TurnKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public Task<bool> TransitionAsync(TurnKey key, TurnStatus from, TurnStatus to, CancellationToken cancellationToken) =>
            inner.TransitionAsync(key, from, to, cancellationToken);

        public Task SetStatusAsync(TurnKey key, TurnStatus status, string? errorCode, CancellationToken cancellationToken) =>
            inner.SetStatusAsync(key, status, errorCode, cancellationToken);

        public Task<TurnRecord?> RetryAsync(TurnKey key, int failedAttempt, CancellationToken cancellationToken) =>
            inner.RetryAsync(key, failedAttempt, cancellationToken);

        public Task<bool> ClaimRunAsync(TurnKey key, string runId, CancellationToken cancellationToken) =>
            inner.ClaimRunAsync(key, runId, cancellationToken);

        public Task<bool> IsCancelRequestedAsync(TurnKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _cancelReads);
            return inner.IsCancelRequestedAsync(key, cancellationToken);
        }

        public Task<bool> RequestCancelAsync(TurnKey key, CancellationToken cancellationToken) =>
            inner.RequestCancelAsync(key, cancellationToken);

        public Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken) =>
            inner.ListWaitingAsync(sessionId, maxCount, cancellationToken);

        public Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken) =>
            inner.CountInFlightForUserAsync(userId, cancellationToken);
    }
}
