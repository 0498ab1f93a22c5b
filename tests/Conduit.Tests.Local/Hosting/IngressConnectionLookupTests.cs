using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Local.Hosting;
using Conduit.Local.Sqlite;
using Conduit.Local.Storage;
using Conduit.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Local.Hosting;

/// <summary>
/// The ack path reads a connection's record once, not once per message: who a connection acts for never changes while
/// it lives, and each read is a store round trip the ack waits for. Over the local stack's own SQLite stores.
/// </summary>
public sealed class IngressConnectionLookupTests : IAsyncLifetime
{
    private const string ConnectionId = "c-1";
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(2);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider _services;
    private readonly CountingConnectionStore _connections;

    public IngressConnectionLookupTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime>(new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance));
        services.AddConduitLocal(new LocalHostOptions { InMemory = true, Port = LoopbackPort.Free() });
        services.AddSingleton(sp => new CountingConnectionStore(new SqliteConnectionStore(sp.GetRequiredService<SqliteDatabase>())));
        services.AddSingleton<IConnectionStore>(sp => sp.GetRequiredService<CountingConnectionStore>());
        _services = services.BuildServiceProvider();
        _connections = _services.GetRequiredService<CountingConnectionStore>();
    }

    public Task InitializeAsync() => _connections.AddAsync(
        new ConnectionRecord(ConnectionId, _time.GetUtcNow(), "127.0.0.1", null, _time.GetUtcNow() + Ttl) { UserId = "u" },
        CancellationToken.None);

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task HandleMessageAsync_TwoMessagesOnOneConnection_ReadsItsRecordOnce()
    {
        var ingress = _services.GetRequiredService<ChatIngress>();

        var first = await SendAsync(ingress, "r-1");
        var second = await SendAsync(ingress, "r-2");

        Assert.IsType<AckFrame>(first);
        Assert.IsType<AckFrame>(second);
        Assert.Equal(1, _connections.Reads);
    }

    [Fact]
    public async Task HandleMessageAsync_AfterTheConnectionsExpiry_ReadsItsRecordAgain()
    {
        var ingress = _services.GetRequiredService<ChatIngress>();

        await SendAsync(ingress, "r-1");
        _time.Advance(Ttl);
        await SendAsync(ingress, "r-2");

        Assert.Equal(2, _connections.Reads);
    }

    [Fact]
    public async Task HandleMessageAsync_AfterDisconnect_IsRefusedAsNotSignedIn()
    {
        var ingress = _services.GetRequiredService<ChatIngress>();
        await SendAsync(ingress, "r-1");

        await ingress.DisconnectAsync(ConnectionId, CancellationToken.None);
        var refused = Assert.IsType<ErrorFrame>(await SendAsync(ingress, "r-2"));

        Assert.Equal(ErrorCodes.Unauthorized, refused.Code);
    }

    private static Task<ServerFrame?> SendAsync(ChatIngress ingress, string requestId) => ingress.HandleMessageAsync(
        RouteKeys.SendMessage, ConnectionId, $$"""{"action":"sendMessage","requestId":"{{requestId}}","text":"Hello"}""", false,
        CancellationToken.None);

    private sealed class CountingConnectionStore(IConnectionStore inner) : IConnectionStore
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
            inner.AddAsync(connection, cancellationToken);

        public Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.GetAsync(connectionId, cancellationToken);
        }

        public Task RemoveAsync(string connectionId, CancellationToken cancellationToken) =>
            inner.RemoveAsync(connectionId, cancellationToken);

        public Task<int> CountForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.CountForUserAsync(userId, now, cancellationToken);

        public Task<IReadOnlyList<string>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.ListForUserAsync(userId, now, cancellationToken);
    }
}
