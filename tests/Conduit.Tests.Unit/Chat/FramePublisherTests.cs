using Conduit.Local.Storage;
using Conduit.Shared.Chat;
using Conduit.Shared.Contracts;
using Conduit.Shared.Observability;
using Conduit.Shared.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Unit.Chat;

public sealed class FramePublisherTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly RecordingSender _sender = new();
    private readonly RecordingMetrics _metrics = new();
    private SqliteConnectionStore _connections = null!;
    private SqliteFrameStore _frames = null!;
    private FramePublisher _publisher = null!;

    public async Task InitializeAsync()
    {
        ChatSchema.Create(_database);
        _connections = new SqliteConnectionStore(_database);
        _frames = new SqliteFrameStore(_database, TimeProvider.System);
        _publisher = new FramePublisher(_frames, _sender, _connections, _metrics, NullLogger<FramePublisher>.Instance);
        await new SqliteSessionStore(_database, TimeProvider.System, TimeSpan.FromHours(1)).CreateAsync("s1", CancellationToken.None);
        await _connections.AddAsync(new ConnectionRecord("c1=", DateTimeOffset.UtcNow, null, null, DateTimeOffset.UtcNow.AddHours(1)), CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task PublishAsync_Frames_GetConsecutiveSeqsAndArePersistedBeforePosting()
    {
        var turn = _publisher.ForTurn(new TurnReference("r1", "s1", "c1="));

        var first = await turn.StatusAsync("queued", "Queued", CancellationToken.None);
        var second = await turn.TokenAsync("Hello", CancellationToken.None);

        Assert.Equal([1L, 2L], [first, second]);
        var stored = await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None);
        Assert.Equal(stored.Select(f => f.Json), _sender.Posted);
        Assert.Contains("\"seq\":2", stored[1].Json);
        Assert.Equal([(MetricNames.FramesPosted, 1.0), (MetricNames.FramesPosted, 1.0)], _metrics.Values);
    }

    [Fact]
    public async Task PublishAsync_ConnectionGone_DropsItFromRegistry_KeepsPersistingWithoutPosting()
    {
        _sender.Gone = true;
        var turn = _publisher.ForTurn(new TurnReference("r1", "s1", "c1="));

        await turn.TokenAsync("a", CancellationToken.None);
        await turn.TokenAsync("b", CancellationToken.None);

        Assert.Null(await _connections.GetAsync("c1=", CancellationToken.None));
        Assert.Equal(1, _sender.Attempts);
        Assert.Equal(2, (await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None)).Count);
        Assert.Equal([(MetricNames.GoneConnections, 1.0)], _metrics.Values);
    }

    [Fact]
    public async Task PublishAsync_PostFails_FrameStaysPersistedAndTurnGoesOn()
    {
        _sender.Failure = new HttpRequestException("connection refused");
        var turn = _publisher.ForTurn(new TurnReference("r1", "s1", "c1="));

        var seq = await turn.TokenAsync("a", CancellationToken.None);

        Assert.Equal(1, seq);
        Assert.Single(await _frames.ReadAfterAsync("s1", 0, 10, CancellationToken.None));
        Assert.NotNull(await _connections.GetAsync("c1=", CancellationToken.None));
    }

    private sealed class RecordingMetrics : IMetrics
    {
        public List<(string Name, double Value)> Values { get; } = [];

        public IDisposable BeginInvocation(string function, string? requestId) => throw new NotSupportedException();

        public void Add(string name, double value, MetricUnit unit) => Values.Add((name, value));

        public void AddDimension(string name, string value) => throw new NotSupportedException();
    }

    private sealed class RecordingSender : IConnectionSender
    {
        public bool Gone { get; set; }
        public Exception? Failure { get; set; }
        public int Attempts { get; private set; }
        public List<string> Posted { get; } = [];

        public Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Failure is not null) throw Failure;
            if (Gone) return Task.FromResult(PostResult.Gone);
            Posted.Add(System.Text.Encoding.UTF8.GetString(data.Span));
            return Task.FromResult(PostResult.Delivered);
        }

        public Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken) => Task.FromResult<ConnectionInfo?>(null);

        public Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
