using System.Net.WebSockets;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Ports;
using Conduit.Local.Gateway;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The emulated WebSocket API where it meets the rest of the stack: Ingress's answers and stores, and the host's
/// shutdown. The gateway on its own is tested in Conduit.Tests.Gateway.
/// </summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private ApiGatewayManagementClient _connections = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalStackHost.StartAsync();
        _connections = _host.CreateConnectionsClient();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Connect_RegistersConnection_GetReturnsItsDetails()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = ConnectionId();

        var info = await _connections.GetAsync(connectionId, CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal("127.0.0.1", info.SourceIp);
        Assert.True(info.LastActiveAt >= info.ConnectedAt);
        Assert.NotNull(await _host.Services.GetRequiredService<IConnectionStore>().GetAsync(connectionId, CancellationToken.None));
    }

    [Fact]
    public async Task Receive_EmptyMessageBetweenOthers_EachGetsItsOwnAnswerInOrder()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendTextAsync("""{"action":"ping"}""");
        await chat.SendTextAsync("");
        await chat.SendBinaryAsync([]);
        await chat.SendTextAsync("""{"action":"ping"}""");

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("invalid_json", (await chat.NextAsync()).GetProperty("code").GetString());
        Assert.Equal("error", (await chat.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task HostStopping_ClosesEverySocketWith1001_SoClientsReconnectAndResume()
    {
        var host = await LocalStackHost.StartAsync();
        await using var chat = await host.ConnectAsync();

        await host.DisposeAsync();
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus);
    }

    /// <summary>The gateway is per test, so the one connection it holds is the test's own.</summary>
    private string ConnectionId()
    {
        var id = Assert.Single(_host.Services.GetRequiredService<WebSocketGateway>().ConnectionIds);
        Assert.EndsWith("=", id);
        return id;
    }
}
