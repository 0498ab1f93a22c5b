using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Security;
using Conduit.Local.Model;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>A real local stack on a free loopback port, in memory, with the test corpus as its knowledge base.</summary>
public sealed class LocalStackHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalStackHost(WebApplication app, LocalHostOptions options)
    {
        _app = app;
        Options = options;
    }

    public LocalHostOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    public Uri HttpBase => Options.HttpBase;

    public static async Task<LocalStackHost> StartAsync(
        Func<LocalHostOptions, LocalHostOptions>? configure = null,
        Action<IServiceCollection>? overrides = null)
    {
        var options = new LocalHostOptions
        {
            Port = LoopbackPort.Free(),
            InMemory = true,
            KnowledgeBase = new LocalKnowledgeBase(Path.Combine(AppContext.BaseDirectory, "knowledge")),
            Model = new OfflineModelOptions { FirstTokenDelay = TimeSpan.Zero, TokenDelay = TimeSpan.FromMilliseconds(1) },
            Settings = new ConduitSettings
            {
                MessageRate = new RateLimit(1_000, 60_000), MaxConnectionsPerUser = 1_000, MaxTurnsInFlightPerUser = 1_000,
            },
        };
        options = configure?.Invoke(options) ?? options;
        var app = LocalStack.Create(options, overrides);
        await app.StartAsync();
        return new LocalStackHost(app, options);
    }

    /// <summary>Connects as <paramref name="user"/>, with a token from the development issuer, as the chat page does.</summary>
    public Task<ChatConnection> ConnectAsync(string? origin = null, string user = "alice") =>
        DevelopmentTokens.ConnectAsync(HttpBase, Options.WebSocketUrl, user, origin);

    public Task<string> TokenForAsync(string user) => DevelopmentTokens.ForUserAsync(HttpBase, user);

    public HttpClient CreateHttpClient() => new() { BaseAddress = HttpBase, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A client of the @connections API signed as the host's own functions sign, the only signer it accepts.</summary>
    public ApiGatewayManagementClient CreateConnectionsClient() =>
        new(Options.ConnectionsEndpoint, Services.GetRequiredService<FunctionCredentials>().ConnectionsClientSettings);

    /// <summary>An HTTP client whose requests carry the host's function signature, for the @connections wire itself.</summary>
    public HttpClient CreateSignedHttpClient()
    {
        var credentials = Services.GetRequiredService<FunctionCredentials>();
        return new HttpClient(new SigV4SigningHandler(
            new BasicAWSCredentials(credentials.AccessKeyId, credentials.SecretAccessKey),
            FunctionCredentials.Region,
            ApiGatewayManagementClient.SigningName))
        {
            BaseAddress = HttpBase,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>An HTTP client with <paramref name="user"/>'s development token as its bearer token.</summary>
    public async Task<HttpClient> CreateHttpClientForAsync(string user, bool isOperator = false)
    {
        var http = CreateHttpClient();
        var token = isOperator
            ? Services.GetRequiredService<DevelopmentIssuer>().Issue(user, isOperator: true)
            : await TokenForAsync(user);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
