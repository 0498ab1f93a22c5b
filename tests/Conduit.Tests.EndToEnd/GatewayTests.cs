using System.Net;
using System.Net.WebSockets;
using System.Text;
using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Ports;
using Conduit.Local.Gateway;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>The emulated WebSocket API and @connections API, driven through the same client the workers use.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private HttpClient _http = null!;
    private ApiGatewayManagementClient _connections = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalStackHost.StartAsync();
        _http = _host.CreateHttpClient();
        _connections = new ApiGatewayManagementClient(_host.Options.ConnectionsEndpoint, new AwsClientSettings { Region = Amazon.RegionEndpoint.USEast1, SignRequests = false });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Connect_RegistersConnection_GetReturnsItsDetails()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = await ConnectionIdAsync();

        var info = await _connections.GetAsync(connectionId, CancellationToken.None);

        Assert.NotNull(info);
        Assert.Equal("127.0.0.1", info.SourceIp);
        Assert.True(info.LastActiveAt >= info.ConnectedAt);
        Assert.NotNull(await _host.Services.GetRequiredService<IConnectionStore>().GetAsync(connectionId, CancellationToken.None));
    }

    [Fact]
    public async Task Post_LiveConnection_DeliversTheBodyAsOneTextMessage()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = await ConnectionIdAsync();

        var result = await _connections.PostAsync(connectionId, Encoding.UTF8.GetBytes("""{"type":"pong"}"""), CancellationToken.None);

        Assert.Equal(PostResult.Delivered, result);
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_MessageLargerThanOneFrame_ArrivesWhole()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = await ConnectionIdAsync();
        var text = new string('a', 100 * 1024);

        await _connections.PostAsync(connectionId, Encoding.UTF8.GetBytes($$"""{"type":"token","text":"{{text}}"}"""), CancellationToken.None);

        Assert.Equal(text, (await chat.NextAsync()).GetProperty("text").GetString());
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
    public async Task Receive_MessageSpanningManyFrames_IsRoutedWhole()
    {
        await using var chat = await _host.ConnectAsync();
        var padding = new string(' ', 100 * 1024);

        await chat.SendTextAsync("{\"action\":\"ping\"" + padding + "}");

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_Over128KB_Is413PayloadTooLarge()
    {
        await using var chat = await _host.ConnectAsync();
        var connectionId = await ConnectionIdAsync();

        var result = await _connections.PostAsync(connectionId, new byte[129 * 1024], CancellationToken.None);

        Assert.Equal(PostStatus.Failed, result.Status);
        var failure = Assert.IsType<AwsPayloadTooLargeException>(result.Error);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, failure.StatusCode);
        Assert.Equal("PayloadTooLargeException", failure.ErrorType);
    }

    [Fact]
    public async Task Delete_LiveConnection_ClosesSocketAndUnregistersIt()
    {
        var chat = await _host.ConnectAsync();
        var connectionId = await ConnectionIdAsync();

        var deleted = await _connections.DeleteAsync(connectionId, CancellationToken.None);
        await chat.WaitForCloseAsync();

        Assert.True(deleted);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, chat.CloseStatus);
        Assert.Equal(PostResult.Gone, await _connections.PostAsync(connectionId, Encoding.UTF8.GetBytes("{}"), CancellationToken.None));
        Assert.False(await _connections.DeleteAsync(connectionId, CancellationToken.None));
        Assert.Null(await _connections.GetAsync(connectionId, CancellationToken.None));
        await chat.DisposeAsync();
    }

    [Fact]
    public async Task IdleConnection_IsClosedAfterIdleTimeout()
    {
        await using var host = await LocalStackHost.StartAsync(options => options with { Gateway = options.Gateway with { IdleTimeout = TimeSpan.FromMilliseconds(300) } });
        await using var chat = await host.ConnectAsync();

        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, chat.CloseStatus);
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

    [Fact]
    public async Task PlainHttpRequest_ToWebSocketEndpoint_Is426()
    {
        var response = await _http.GetAsync("/local");

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    /// <summary>The gateway is per test, so the one connection it holds is the test's own.</summary>
    private async Task<string> ConnectionIdAsync()
    {
        var gateway = _host.Services.GetRequiredService<WebSocketGateway>();
        var id = Assert.Single(gateway.ConnectionIds);
        Assert.EndsWith("=", id);
        return await Task.FromResult(id);
    }
}
