using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Ports;
using Conduit.Local.Gateway;
using Conduit.Local.Hosting;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The local @connections API answers only requests signed with the host's own function credentials, as IAM allows
/// only the stack's functions on AWS: nothing else on the machine, and no web page, can write into or close a socket.
/// </summary>
public sealed class ConnectionsAccessTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private ChatConnection _alice = null!;
    private string _connectionId = null!;

    public async Task InitializeAsync()
    {
        _host = await LocalStackHost.StartAsync();
        _alice = await _host.ConnectAsync(user: "alice");
        _connectionId = Assert.Single(_host.Services.GetRequiredService<WebSocketGateway>().ConnectionIds);
    }

    public async Task DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Post_Unsigned_Is403MissingAuthenticationToken_AndNothingReachesTheSocket()
    {
        using var http = _host.CreateHttpClient();

        using var response = await http.PostAsync(ConnectionPath(), new StringContent("""{"type":"token","text":"forged"}"""));

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
        await AssertNothingReachedTheSocketAsync();
    }

    [Fact]
    public async Task Post_TextPlainFromAForeignOrigin_IsRefused_AndNothingReachesTheSocket()
    {
        using var http = _host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, ConnectionPath())
        {
            Content = new StringContent("""{"type":"token","text":"forged"}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://evil.test");

        using var response = await http.SendAsync(request);

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
        await AssertNothingReachedTheSocketAsync();
    }

    [Fact]
    public async Task Post_SignedWithCredentialsTheHostDidNotIssue_Is403UnrecognizedClient_AndNothingReachesTheSocket()
    {
        var stranger = Client(new BasicAWSCredentials("AKIDSTRANGER00000000", "c2VjcmV0LW9mLWEtc3RyYW5nZXItb24tdGhpcy1ib3g"));

        var result = await stranger.PostAsync(_connectionId, """{"type":"token","text":"forged"}"""u8.ToArray(), CancellationToken.None);

        Assert.Equal(PostStatus.Failed, result.Status);
        var refusal = Assert.IsAssignableFrom<AwsServiceException>(result.Error);
        Assert.Equal(HttpStatusCode.Forbidden, refusal.StatusCode);
        Assert.Equal("UnrecognizedClientException", refusal.ErrorType);
        await AssertNothingReachedTheSocketAsync();
    }

    [Fact]
    public async Task Delete_Unsigned_Is403_AndTheSocketStaysOpen()
    {
        using var http = _host.CreateHttpClient();

        using var response = await http.DeleteAsync(ConnectionPath());

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
        await AssertNothingReachedTheSocketAsync();
    }

    [Fact]
    public async Task Get_Unsigned_Is403_AndTellsNothingOfTheConnection()
    {
        using var http = _host.CreateHttpClient();

        using var response = await http.GetAsync(ConnectionPath());

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }

    [Fact]
    public async Task Post_SignedByTheHostsFunctions_ReachesTheSocket()
    {
        var result = await _host.CreateConnectionsClient().PostAsync(
            _connectionId, """{"type":"pong","from":"a function"}"""u8.ToArray(), CancellationToken.None);

        Assert.Equal(PostResult.Delivered, result);
        Assert.Equal("a function", (await _alice.NextAsync()).GetProperty("from").GetString());
    }

    /// <summary>The official AWS SDK for JavaScript's @connections client, signing as the host's functions do.</summary>
    [Fact]
    public async Task JavaScriptSdk_PostsGetsAndDeletesAConnection_AsAFunctionOnAwsWould()
    {
        var credentials = _host.Services.GetRequiredService<FunctionCredentials>();

        var run = await AwsClients.NodeScriptAsync(
            "connections.mjs",
            AwsClients.Environment(credentials.AccessKeyId, credentials.SecretAccessKey),
            _host.Options.ConnectionsEndpoint.AbsoluteUri.TrimEnd('/'),
            _connectionId);

        var seen = JsonDocument.Parse(run.OutputIfSucceeded().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal("js-sdk", (await _alice.NextAsync()).GetProperty("phase").GetString());
        Assert.True(seen.GetProperty("connectedAtIsDate").GetBoolean());
        Assert.True(seen.GetProperty("lastActiveAtIsDate").GetBoolean());
        Assert.Equal("127.0.0.1", seen.GetProperty("sourceIp").GetString());
        Assert.Equal("GoneException", seen.GetProperty("afterDelete").GetString());
        await _alice.WaitForCloseAsync();
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _alice.CloseStatus);
    }

    private string ConnectionPath() => $"/local/@connections/{Uri.EscapeDataString(_connectionId)}";

    private ApiGatewayManagementClient Client(AWSCredentials credentials) => new(
        _host.Options.ConnectionsEndpoint,
        new AwsClientSettings { Region = Amazon.RegionEndpoint.USEast1, Credentials = credentials, MaxAttempts = 1 });

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string errorType, string message)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(errorType, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(message, body.RootElement.GetProperty("message").GetString());
    }

    /// <summary>The socket is still open and the next thing on it is the answer to a ping, not a forged frame.</summary>
    private async Task AssertNothingReachedTheSocketAsync()
    {
        await _alice.PingAsync();
        Assert.Equal("pong", (await _alice.NextAsync()).GetProperty("type").GetString());
    }
}
