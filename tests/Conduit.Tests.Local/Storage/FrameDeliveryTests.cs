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
    private SqliteSubscriptionStore _subscriptions = null!;
    private FrameDelivery _delivery = null!;
    private TurnFrames _turn = null!;
    private SessionReader _reader = null!;

    public async Task InitializeAsync()
    {
        ChatSchema.Create(_database);
        _connections = new SqliteConnectionStore(_database);
        _frames = new SqliteFrameStore(_database, TimeProvider.System);
        _subscriptions = new SqliteSubscriptionStore(_database);
        _delivery = new FrameDelivery(
            _frames, _subscriptions, _sender, _connections, NoMetrics.Instance, TimeProvider.System, NullLogger<FrameDelivery>.Instance);
        _turn = new FramePublisher(_frames, _subscriptions, new SqliteTurnStore(_database, TimeProvider.System), _delivery)
            .ForTurn(new TurnReference("u1", "r1", "s1", "a="));
        var sessions = new SqliteSessionStore(_database, TimeProvider.System, TimeSpan.FromHours(1));
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
}
