using System.Net;
using System.Net.WebSockets;
using Conduit.Local.Gateway;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>API Gateway's idle quota, on a manual clock: a connection nothing passes over for the timeout is closed.</summary>
public sealed class IdleTimeoutTests : IAsyncLifetime
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private GatewayHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await GatewayHost.StartAsync(new GatewayOptions { IdleTimeout = IdleTimeout }, _clock);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task IdleConnection_NoTrafficForTheIdleTimeout_IsClosedWith1001()
    {
        await using var chat = await _host.ConnectAsync();

        _clock.Advance(IdleTimeout);
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus);
        Assert.Equal("Idle timeout", chat.CloseStatusDescription);
    }

    /// <summary>
    /// The clock runs timers on the thread that advances it, so the gateway's watch has re-armed itself, or closed the
    /// socket, before each Advance returns; the @connections GET, which is no activity, then tells whether it is open.
    /// </summary>
    [Fact]
    public async Task IdleConnection_MessageBeforeTheTimeout_PostponesTheCloseToATimeoutAfterIt()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = _host.OnlyConnectionId();

        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        await chat.PingAsync();
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await ConnectionStatusAsync(connectionId));

        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus);
    }

    [Fact]
    public async Task IdleConnection_PostFromTheServerSide_CountsAsActivity()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = _host.OnlyConnectionId();

        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        using (var http = _host.CreateHttpClient())
        using (var posted = await http.PostAsync(_host.ConnectionPath(connectionId), new StringContent("""{"type":"status"}""")))
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("status", (await chat.NextAsync()).GetProperty("type").GetString());
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.OK, await ConnectionStatusAsync(connectionId));
    }

    private async Task<HttpStatusCode> ConnectionStatusAsync(string connectionId)
    {
        using var http = _host.CreateHttpClient();
        using var response = await http.GetAsync(_host.ConnectionPath(connectionId));
        return response.StatusCode;
    }
}
