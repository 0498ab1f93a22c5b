using System.Net;
using Conduit.Local.Gateway;
using Conduit.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Tests.Gateway;

/// <summary>
/// The gateway alone on a free loopback port: its WebSocket endpoint and @connections API mapped as the local host
/// maps them, in front of a <see cref="ScriptedIngress"/>.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, ScriptedIngress ingress, GatewayOptions options, int port)
    {
        _app = app;
        Ingress = ingress;
        Options = options;
        HttpBase = new Uri($"http://127.0.0.1:{port}/");
    }

    public ScriptedIngress Ingress { get; }

    public GatewayOptions Options { get; }

    public Uri HttpBase { get; }

    public Uri WebSocketUrl => new($"ws://{HttpBase.Authority}/{Options.Stage}");

    /// <summary>The @connections endpoint, as the workers are configured with it.</summary>
    public Uri ConnectionsEndpoint => new(HttpBase, Options.Stage);

    public WebSocketGateway Gateway => _app.Services.GetRequiredService<WebSocketGateway>();

    public static async Task<GatewayHost> StartAsync(GatewayOptions? options = null, TimeProvider? time = null)
    {
        var ingress = new ScriptedIngress();
        options ??= new GatewayOptions();
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => new WebSocketGateway(
            ingress.Handler, options, time ?? TimeProvider.System, services.GetRequiredService<ILogger<WebSocketGateway>>()));
        var app = builder.Build();
        app.UseGatewayWebSockets(options, new WebSocketOptions());
        app.Map($"/{options.Stage}", (HttpContext context, WebSocketGateway gateway) => gateway.AcceptAsync(context));
        app.MapConnectionsApi(options.Stage);
        await app.StartAsync();
        return new GatewayHost(app, ingress, options, port);
    }

    /// <summary>
    /// Opens a connection and waits for the answer to a ping: the gateway registers a connection, and arms its idle
    /// watch, before it reads the first message, so both are done by then. The $connect and ping events are consumed.
    /// </summary>
    public async Task<ChatConnection> ConnectAsync()
    {
        var chat = await ChatConnection.OpenAsync(WebSocketUrl);
        Assert.Equal("$connect", ScriptedIngress.RouteKey(await Ingress.NextEventAsync()));
        await chat.PingAsync();
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("ping", ScriptedIngress.RouteKey(await Ingress.NextEventAsync()));
        return chat;
    }

    /// <summary>The id of the one connection the gateway holds: each test has a gateway of its own.</summary>
    public string OnlyConnectionId()
    {
        var id = Assert.Single(Gateway.ConnectionIds);
        Assert.EndsWith("=", id);
        return id;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpBase, Timeout = ChatConnection.DefaultPatience };

    /// <summary>The @connections resource of a connection; ids are base64, so they are escaped.</summary>
    public string ConnectionPath(string connectionId) => $"/{Options.Stage}/@connections/{Uri.EscapeDataString(connectionId)}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
