using System.Net.WebSockets;
using Conduit.Core.Ports;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>The open-connection cap counts live connections only: rows whose socket is gone do not lock a user out.</summary>
public sealed class ConnectionCapTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync(options => options with
    {
        Settings = options.Settings with { MaxConnectionsPerUser = 2 },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Connect_AtTheCapWithRowsOfGoneConnections_AcceptsAndRemovesTheGoneRows()
    {
        var connections = _host.Services.GetRequiredService<IConnectionStore>();
        var subscriptions = _host.Services.GetRequiredService<ISubscriptionStore>();
        var now = DateTimeOffset.UtcNow;
        string[] gone = ["gone-connection-1", "gone-connection-2"];
        foreach (var id in gone)
        {
            await connections.AddAsync(new ConnectionRecord(id, now, null, null, now + TimeSpan.FromHours(1)) { UserId = "bob" }, default);
            await subscriptions.SubscribeAsync("some-session", id, 0, resetCursor: true, now + TimeSpan.FromHours(1), default);
        }

        await using var live = await _host.ConnectAsync(user: "bob");

        foreach (var id in gone) Assert.Null(await connections.GetAsync(id, default));
        Assert.Empty(await subscriptions.ListAsync("some-session", default));
        await using var second = await _host.ConnectAsync(user: "bob");
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => _host.ConnectAsync(user: "bob"));
        Assert.Contains("429", refused.Message, StringComparison.Ordinal);
    }
}
