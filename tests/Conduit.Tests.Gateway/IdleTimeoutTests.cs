using System.Net;
using System.Net.WebSockets;
using Conduit.Local.Gateway;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>API Gateway's idle quota, on a manual clock: a connection nothing passes over for the timeout is closed.</summary>
public sealed class IdleTimeoutTests : GatewayTest
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    private readonly ManualTimeProvider _clock;

    public IdleTimeoutTests()
        : this(new ManualTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero)))
    {
    }

    private IdleTimeoutTests(ManualTimeProvider clock)
        : base(new GatewayOptions { IdleTimeout = IdleTimeout }, clock) => _clock = clock;

    [Fact]
    public async Task IdleConnection_NoTrafficForTheIdleTimeout_IsClosedWith1001()
    {
        await using var chat = await Host.ConnectAsync();

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
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

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
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

        _clock.Advance(IdleTimeout - TimeSpan.FromMinutes(1));
        using (var http = Host.CreateSignedHttpClient())
        using (var posted = await http.PostAsync(Host.ConnectionPath(connectionId), new StringContent("""{"type":"status"}""")))
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal("status", (await chat.NextAsync()).GetProperty("type").GetString());
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.OK, await ConnectionStatusAsync(connectionId));
    }

    private async Task<HttpStatusCode> ConnectionStatusAsync(string connectionId)
    {
        using var http = Host.CreateSignedHttpClient();
        using var response = await http.GetAsync(Host.ConnectionPath(connectionId));
        return response.StatusCode;
    }
}
