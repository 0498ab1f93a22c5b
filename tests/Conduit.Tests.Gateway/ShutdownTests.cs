using System.Net.WebSockets;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>The gateway's part in a host stopping: every client is told the server is going away.</summary>
public sealed class ShutdownTests : GatewayTest
{
    [Fact]
    public async Task CloseAll_OpenConnections_ClosesEachWith1001AndUnregistersThem()
    {
        await using var first = await Host.ConnectAsync();
        await using var second = await Host.ConnectAsync();

        await Host.Gateway.CloseAllAsync(TimeSpan.FromSeconds(10));
        await first.WaitForCloseAsync();
        await second.WaitForCloseAsync();

        Assert.All([first, second], chat => Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus));
        Assert.All([first, second], chat => Assert.Equal("Server shutting down", chat.CloseStatusDescription));
        Assert.Empty(Host.Gateway.ConnectionIds);
    }

    /// <summary>
    /// A handshake can complete while the host is stopping (its 101 sent, its socket not yet registered); the
    /// connection must still be told the server is going away, not left open until the host drops it.
    /// </summary>
    [Fact]
    public async Task CloseAll_ThenAConnectionCompletesItsHandshake_ClosesItWith1001()
    {
        await Host.Gateway.CloseAllAsync(TimeSpan.FromSeconds(10));

        await using var late = await ChatConnection.OpenAsync(Host.WebSocketUrl);
        await late.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, late.CloseStatus);
        Assert.Equal("Server shutting down", late.CloseStatusDescription);
    }
}
