using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Local.Edge;
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
/// maps them, in front of a <see cref="ScriptedIngress"/>, with a signing key of its own for the @connections API.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string Region = "us-east-1";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;

    private GatewayHost(WebApplication app, ScriptedIngress ingress, GatewayOptions options, int port, TimeProvider time)
    {
        _app = app;
        _time = time;
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

    /// <summary>The only credentials the @connections API accepts a signature from: this host's, made at random.</summary>
    public static BasicAWSCredentials FunctionCredentials { get; } =
        new("AKIDGATEWAYTESTS0001", Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)));

    public static async Task<GatewayHost> StartAsync(GatewayOptions? options = null, TimeProvider? time = null)
    {
        var ingress = new ScriptedIngress();
        options ??= new GatewayOptions();
        time ??= TimeProvider.System;
        var keys = FunctionCredentials.GetCredentials();
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => new WebSocketGateway(
            ingress.Handler, options, time, services.GetRequiredService<ILogger<WebSocketGateway>>()));
        builder.Services.AddSingleton(new SigV4Verifier(keys.AccessKey, keys.SecretKey, Region, time));
        var app = builder.Build();
        app.UseWebSockets();
        app.Map($"/{options.Stage}", (HttpContext context, WebSocketGateway gateway) => gateway.AcceptAsync(context));
        app.MapConnectionsApi(options.Stage);
        await app.StartAsync();
        return new GatewayHost(app, ingress, options, port, time);
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

    /// <summary>
    /// Requests signed with <paramref name="credentials"/> (the host's own by default), dated by the host's clock as it
    /// reads now, so a test that moves a manual clock signs in the gateway's present.
    /// </summary>
    public HttpClient CreateSignedHttpClient(
        AWSCredentials? credentials = null, string region = Region, DateTimeOffset? signedAt = null) => new(new SigV4SigningHandler(
        new AWSSigV4Parameters
        {
            Credentials = credentials ?? FunctionCredentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = ApiGatewayManagementClient.SigningName,
            SignedAt = (signedAt ?? _time.GetUtcNow()).UtcDateTime,
        }))
    {
        BaseAddress = HttpBase,
        Timeout = ChatConnection.DefaultPatience,
    };

    /// <summary>The client the workers use, signing with the host's credentials.</summary>
    public ApiGatewayManagementClient CreateConnectionsClient() => new(
        ConnectionsEndpoint, new AwsClientSettings { Region = RegionEndpoint.GetBySystemName(Region), Credentials = FunctionCredentials });

    /// <summary>The @connections resource of a connection; ids are base64, so they are escaped.</summary>
    public string ConnectionPath(string connectionId) => $"/{Options.Stage}/@connections/{Uri.EscapeDataString(connectionId)}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
