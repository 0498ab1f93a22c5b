using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Conduit.Local.Gateway;

namespace Conduit.Tests.Gateway;

/// <summary>Messages from the client: route selection by <c>action</c>, the integration event, and route responses.</summary>
public sealed class RoutingTests : GatewayTest
{
    [Theory]
    [InlineData("""{"action":"sendMessage","requestId":"r1","text":"hi"}""", "sendMessage")]
    [InlineData("""{"action":"ping"}""", "ping")]
    [InlineData("""{"action":"resume","sessionId":"s1","afterSeq":0}""", "resume")]
    [InlineData("""{"action":"cancel","requestId":"r1"}""", "cancel")]
    [InlineData("""{"action":"history","sessionId":"s1"}""", "history")]
    [InlineData("""{"action":"dance"}""", "$default")]
    [InlineData("""{"action":7}""", "$default")]
    [InlineData("""{"text":"no action"}""", "$default")]
    [InlineData("""["action","ping"]""", "$default")]
    [InlineData("not json at all", "$default")]
    [InlineData("", "$default")]
    public async Task TextMessage_ByItsAction_IsRoutedToThatRouteWithTheBodyAsSent(string message, string route)
    {
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();

        await chat.SendTextAsync(message);
        var routed = await Ingress.NextEventAsync();

        var context = routed.GetProperty("requestContext");
        Assert.Equal((route, "MESSAGE"), (context.GetProperty("routeKey").GetString(), context.GetProperty("eventType").GetString()));
        Assert.Equal(connectionId, context.GetProperty("connectionId").GetString());
        Assert.Equal(message, routed.GetProperty("body").GetString());
        Assert.False(routed.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task BinaryMessage_AnyBytes_AreRoutedToDefaultAsBase64()
    {
        await using var chat = await Host.ConnectAsync();

        await chat.SendBinaryAsync([0x01, 0x02, 0x03, 0xFF]);
        var routed = await Ingress.NextEventAsync();

        Assert.Equal("$default", ScriptedIngress.RouteKey(routed));
        Assert.Equal("AQID/w==", routed.GetProperty("body").GetString());
        Assert.True(routed.GetProperty("isBase64Encoded").GetBoolean());
    }

    [Fact]
    public async Task TwoWayRoute_HandlerBody_IsSentToTheClientAsOneMessage()
    {
        await using var chat = await Host.ConnectAsync();

        await chat.SendTextAsync("""{"action":"history","sessionId":"s1"}""");

        var reply = await chat.NextAsync();
        Assert.Equal(("routed", "history"), (reply.GetProperty("type").GetString(), reply.GetProperty("route").GetString()));
    }

    /// <summary>Messages are routed one after another, so the $default answer arriving first shows ping got none.</summary>
    [Fact]
    public async Task OneWayRoute_HandlerBody_IsNotSentToTheClient()
    {
        await RestartAsync(new GatewayOptions { TwoWayRoutes = new HashSet<string> { "ping", "$default" } });
        await using var chat = await Host.ConnectAsync();

        await chat.SendTextAsync("""{"action":"cancel","requestId":"r1"}""");
        await chat.SendTextAsync("""{"action":"dance"}""");

        Assert.Equal("cancel", ScriptedIngress.RouteKey(await Ingress.NextEventAsync()));
        Assert.Equal("$default", (await chat.NextAsync()).GetProperty("route").GetString());
    }

    [Fact]
    public async Task Message_HandlerFails_ClientGetsApiGatewaysInternalServerError()
    {
        await using var chat = await Host.ConnectAsync();
        var connectionId = Host.OnlyConnectionId();
        Ingress.Answer = _ => throw new InvalidOperationException("Ingress is broken.");

        await chat.SendTextAsync("""{"action":"ping"}""");

        var error = await chat.NextAsync();
        Assert.Equal("Internal server error", error.GetProperty("message").GetString());
        Assert.Equal(connectionId, error.GetProperty("connectionId").GetString());
    }

    [Fact]
    public async Task Receive_MessageSpanningManyFrames_IsRoutedWhole()
    {
        await using var chat = await Host.ConnectAsync();
        var padding = new string(' ', 100 * 1024);
        var message = "{\"action\":\"ping\"" + padding + "}";

        await chat.SendTextInFramesAsync(message, 32 * 1024);

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
        Assert.Equal(message, (await Ingress.NextEventAsync()).GetProperty("body").GetString());
    }

    [Fact]
    public async Task Receive_MessageOver128KB_ClosesWith1009AndIsNeverRouted()
    {
        await using var chat = await Host.ConnectAsync();
        var text = new JsonObject { ["action"] = "sendMessage", ["text"] = new string('a', 128 * 1024) }.ToJsonString();

        await chat.SendTextInFramesAsync(text, 32 * 1024);
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, chat.CloseStatus);
        var disconnect = (await Ingress.NextEventAsync()).GetProperty("requestContext");
        Assert.Equal("$disconnect", disconnect.GetProperty("routeKey").GetString());
        Assert.Equal((int)WebSocketCloseStatus.MessageTooBig, disconnect.GetProperty("disconnectStatusCode").GetInt32());
    }

    [Fact]
    public async Task Receive_OneFrameOver32KB_ClosesWith1009AndIsNeverRouted()
    {
        await using var chat = await Host.ConnectAsync();
        var message = "{\"action\":\"ping\"" + new string(' ', 32 * 1024) + "}";

        await chat.SendTextAsync(message);
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, chat.CloseStatus);
        var disconnect = (await Ingress.NextEventAsync()).GetProperty("requestContext");
        Assert.Equal("$disconnect", disconnect.GetProperty("routeKey").GetString());
    }

    [Fact]
    public async Task Receive_FramesOfExactly32KB_AreRoutedAsOneMessage()
    {
        await using var chat = await Host.ConnectAsync();
        var message = "{\"action\":\"ping\"" + new string(' ', 64 * 1024) + "}";

        await chat.SendTextInFramesAsync(message, 32 * 1024);

        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Receive_TextThatIsNotUtf8_ClosesWith1007AndAReasonAndIsNeverRouted()
    {
        await using var chat = await Host.ConnectAsync();

        await chat.SendTextBytesAsync([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]);
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, chat.CloseStatus);
        Assert.False(string.IsNullOrWhiteSpace(chat.CloseStatusDescription));
        var disconnect = (await Ingress.NextEventAsync()).GetProperty("requestContext");
        Assert.Equal("$disconnect", disconnect.GetProperty("routeKey").GetString());
        Assert.Equal((int)WebSocketCloseStatus.InvalidPayloadData, disconnect.GetProperty("disconnectStatusCode").GetInt32());
    }
}
