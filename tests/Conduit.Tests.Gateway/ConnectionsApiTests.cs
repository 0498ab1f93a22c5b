using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Ports;

namespace Conduit.Tests.Gateway;

/// <summary>The @connections management API, through the client the workers use and on the wire as API Gateway answers.</summary>
public sealed class ConnectionsApiTests : GatewayTest
{
    private HttpClient _http = null!;
    private ApiGatewayManagementClient _connections = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _http = Host.CreateSignedHttpClient();
        _connections = Host.CreateConnectionsClient();
    }

    public override async Task DisposeAsync()
    {
        _http.Dispose();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task Post_LiveConnection_DeliversTheBodyAsOneTextMessage()
    {
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

        var result = await _connections.PostAsync(connectionId, Encoding.UTF8.GetBytes("""{"type":"pong"}"""), CancellationToken.None);

        Assert.Equal(PostResult.Delivered, result);
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_MessageLargerThanOneFrame_ArrivesWhole()
    {
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();
        var text = new string('a', 100 * 1024);

        await _connections.PostAsync(
            connectionId, Encoding.UTF8.GetBytes($$"""{"type":"token","text":"{{text}}"}"""), CancellationToken.None);

        Assert.Equal(text, (await chat.NextAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_Exactly128KB_IsDelivered()
    {
        await using var chat = await Host.ConnectAsync();
        var envelope = """{"type":"token","text":""}""";
        var text = new string('a', 128 * 1024 - envelope.Length);

        using var response = await _http.PostAsync(
            Host.ConnectionPath(Host.OnlyConnectionId()), new StringContent($$"""{"type":"token","text":"{{text}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(text, (await chat.NextAsync()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_Over128KB_Is413PayloadTooLarge()
    {
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

        var result = await _connections.PostAsync(connectionId, new byte[129 * 1024], CancellationToken.None);

        Assert.Equal(PostStatus.TooLarge, result.Status);
        var failure = Assert.IsType<AwsPayloadTooLargeException>(result.Error);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, failure.StatusCode);
        Assert.Equal("PayloadTooLargeException", failure.ErrorType);
    }

    [Fact]
    public async Task Post_OneByteOver128KB_Is413WithApiGatewaysErrorType()
    {
        await using var chat = await Host.ConnectAsync();

        using var response = await _http.PostAsync(
            Host.ConnectionPath(Host.OnlyConnectionId()), new ByteArrayContent(new byte[128 * 1024 + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("PayloadTooLargeException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
    }

    [Fact]
    public async Task Get_LiveConnection_ReturnsWhenItConnectedWhereFromAndWhenLastActive()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using var chat = await Host.ConnectAsync();

        using var response = await _http.GetAsync(Host.ConnectionPath(Host.OnlyConnectionId()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var details = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var connectedAt = details.RootElement.GetProperty("connectedAt").GetDateTimeOffset();
        Assert.InRange(connectedAt, before, DateTimeOffset.UtcNow);
        Assert.InRange(details.RootElement.GetProperty("lastActiveAt").GetDateTimeOffset(), connectedAt, DateTimeOffset.UtcNow);
        Assert.Equal("127.0.0.1", details.RootElement.GetProperty("identity").GetProperty("sourceIp").GetString());
    }

    [Fact]
    public async Task Delete_LiveConnection_ClosesSocketAndUnregistersIt()
    {
        var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

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
    public async Task Delete_LiveConnection_Is204AndTheSocketClosesSayingSo()
    {
        await using var chat = await Host.ConnectAsync();

        using var response = await _http.DeleteAsync(Host.ConnectionPath(Host.OnlyConnectionId()));
        await chat.WaitForCloseAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("Connection deleted", chat.CloseStatusDescription);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task AnyMethod_UnknownConnection_Is410GoneWithApiGatewaysErrorDocument(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Host.ConnectionPath("bm8tc3VjaC1pZA=="));
        if (method == "POST") request.Content = new StringContent("{}");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("GoneException", Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("The connection no longer exists.", error.RootElement.GetProperty("message").GetString());
    }
}
