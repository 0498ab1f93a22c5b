using System.Net;
using System.Net.WebSockets;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>The WebSocket upgrade: the handler's <c>$connect</c> answer decides it, as API Gateway's integration does.</summary>
public sealed class HandshakeTests : GatewayTest
{
    [Fact]
    public async Task Connect_HandlerAnswers200_UpgradesAndSendsTheConnectEventAsApiGatewayDoes()
    {
        var url = new Uri($"{Host.WebSocketUrl}?token=abc&lang=en");

        await using var chat = await ChatConnection.OpenAsync(url, origin: "https://chat.example.com");
        var connect = await Ingress.NextEventAsync();

        var context = connect.GetProperty("requestContext");
        Assert.Equal("$connect", context.GetProperty("routeKey").GetString());
        Assert.Equal("CONNECT", context.GetProperty("eventType").GetString());
        Assert.Equal("local", context.GetProperty("stage").GetString());
        Assert.Equal("127.0.0.1", context.GetProperty("identity").GetProperty("sourceIp").GetString());
        Assert.Equal("https://chat.example.com", connect.GetProperty("headers").GetProperty("Origin").GetString());
        Assert.Equal("abc", connect.GetProperty("queryStringParameters").GetProperty("token").GetString());
        Assert.Equal("en", connect.GetProperty("queryStringParameters").GetProperty("lang").GetString());
        await chat.PingAsync();
        await chat.NextAsync();
        Assert.Equal(Assert.Single(Host.Gateway.ConnectionIds), context.GetProperty("connectionId").GetString());
    }

    [Fact]
    public async Task Connect_ClientOffersSubprotocols_TheOneTheHandlerAnswersIsChosen()
    {
        await using var chat = await ChatConnection.OpenAsync(Host.WebSocketUrl, token: "t0k3n");
        var connect = await Ingress.NextEventAsync();

        Assert.Equal("conduit.v1", chat.SubProtocol);
        var offered = connect.GetProperty("headers").GetProperty("Sec-WebSocket-Protocol").GetString()!;
        Assert.Equal(["conduit.v1", "t0k3n"], offered.Split(',', StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Connect_HandlerAnswersNoSubprotocol_UpgradesWithoutOne()
    {
        await using var chat = await ChatConnection.OpenAsync(Host.WebSocketUrl);

        Assert.True(string.IsNullOrEmpty(chat.SubProtocol));
        Assert.False((await Ingress.NextEventAsync()).GetProperty("headers").TryGetProperty("Sec-WebSocket-Protocol", out _));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(429)]
    public async Task Connect_HandlerAnswersAnErrorStatus_IsRefusedWithThatStatusAndRegistersNothing(int status)
    {
        Ingress.Answer = _ => ScriptedIngress.Proxy(status);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ChatConnection.OpenAsync(Host.WebSocketUrl));

        Assert.Contains($"'{status}'", refused.Message);
        Assert.Equal("$connect", ScriptedIngress.RouteKey(await Ingress.NextEventAsync()));
        Assert.Empty(Host.Gateway.ConnectionIds);
    }

    [Fact]
    public async Task Connect_HandlerFails_IsRefusedWith500()
    {
        Ingress.Answer = _ => throw new InvalidOperationException("Ingress is broken.");

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ChatConnection.OpenAsync(Host.WebSocketUrl));

        Assert.Contains("'500'", refused.Message);
        Assert.Empty(Host.Gateway.ConnectionIds);
    }

    [Fact]
    public async Task PlainHttpRequest_ToWebSocketEndpoint_Is426()
    {
        using var http = Host.CreateHttpClient();

        var response = await http.GetAsync("/local");

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Fact]
    public async Task Disconnect_ClientCloses_SendsTheDisconnectEventWithTheClientsStatus()
    {
        var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

        await chat.DisposeAsync();
        var disconnect = await Ingress.NextEventAsync();

        var context = disconnect.GetProperty("requestContext");
        Assert.Equal(
            ("$disconnect", "DISCONNECT"), (context.GetProperty("routeKey").GetString(), context.GetProperty("eventType").GetString()));
        Assert.Equal(connectionId, context.GetProperty("connectionId").GetString());
        Assert.Equal((int)WebSocketCloseStatus.NormalClosure, context.GetProperty("disconnectStatusCode").GetInt32());
        Assert.Empty(Host.Gateway.ConnectionIds);
    }
}
