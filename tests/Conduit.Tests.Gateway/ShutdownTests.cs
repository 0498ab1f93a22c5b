using System.Net.WebSockets;

namespace Conduit.Tests.Gateway;

/// <summary>The gateway's part in a host stopping: every client is told the server is going away.</summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private GatewayHost _host = null!;

    public async Task InitializeAsync() => _host = await GatewayHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CloseAll_OpenConnections_ClosesEachWith1001AndUnregistersThem()
    {
        await using var first = await _host.ConnectAsync();
        await using var second = await _host.ConnectAsync();

        await _host.Gateway.CloseAllAsync(TimeSpan.FromSeconds(10));
        await first.WaitForCloseAsync();
        await second.WaitForCloseAsync();

        Assert.All([first, second], chat => Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus));
        Assert.All([first, second], chat => Assert.Equal("Server shutting down", chat.CloseStatusDescription));
        Assert.Empty(_host.Gateway.ConnectionIds);
    }
}
