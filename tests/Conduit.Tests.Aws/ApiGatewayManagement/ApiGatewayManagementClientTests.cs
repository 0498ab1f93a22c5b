using System.Runtime.ExceptionServices;
using System.Text;
using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Core.Ports;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.ApiGatewayManagement;

public sealed class ApiGatewayManagementClientTests : IAsyncLifetime
{
    private const string ConnectionId = "R1k/xc2+VNjMCFIA=";
    private const string EncodedConnectionPath = "/prod/@connections/R1k%2Fxc2%2BVNjMCFIA%3D";

    private RecordingAwsServer _server = null!;
    private ApiGatewayManagementClient _connections = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _connections = new ApiGatewayManagementClient(new Uri(_server.Url, "prod"), AwsWire.Settings(_server));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task PostAsync_ConnectionIdWithReservedCharacters_PostsTheRawPayloadToTheEncodedSegment()
    {
        _server.Enqueue(ScriptedResponse.Json(200, ""));
        var payload = Encoding.UTF8.GetBytes("""{"type":"token","text":"héllo"}""");

        var result = await _connections.PostAsync(ConnectionId, payload, CancellationToken.None);

        Assert.Equal(PostResult.Delivered, result);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(EncodedConnectionPath, request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(payload, request.Body);
        AwsWire.AssertSignedFor(request, "execute-api");
    }

    [Fact]
    public async Task EveryOperation_Gone_ReportsTheMissingConnectionWithoutThrowing()
    {
        _server.Enqueue(GoneAnswer(), GoneAnswer(), GoneAnswer());

        Assert.Equal(PostResult.Gone, await _connections.PostAsync(ConnectionId, "{}"u8.ToArray(), CancellationToken.None));
        Assert.Null(await _connections.GetAsync(ConnectionId, CancellationToken.None));
        Assert.False(await _connections.DeleteAsync(ConnectionId, CancellationToken.None));

        Assert.Equal(["POST", "GET", "DELETE"], _server.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task PostAsync_PayloadTooLarge_IsTooLargeWithTheTypedError()
    {
        _server.Enqueue(ScriptedResponse.Json(413, """{"message":"Message too long"}""",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "PayloadTooLargeException" }));

        var result = await _connections.PostAsync(ConnectionId, new byte[131_073], CancellationToken.None);

        Assert.Equal(PostStatus.TooLarge, result.Status);
        Assert.Equal("Message too long", Assert.IsType<AwsPayloadTooLargeException>(result.Error).Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task PostAsync_Bare413_IsTooLarge()
    {
        _server.Enqueue(ScriptedResponse.Json(413, ""));

        var result = await _connections.PostAsync(ConnectionId, new byte[131_073], CancellationToken.None);

        Assert.Equal(PostStatus.TooLarge, result.Status);
    }

    [Fact]
    public async Task PostAsync_Forbidden_FailsWithAccessDenied()
    {
        _server.Enqueue(ScriptedResponse.Json(403, """{"message":"Forbidden"}""",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "ForbiddenException" }));

        await Assert.ThrowsAsync<AwsAccessDeniedException>(() => FailedPostAsync("{}"u8.ToArray()));
    }

    [Theory]
    [MemberData(nameof(AwsWire.ErrorShapes), MemberType = typeof(AwsWire))]
    public Task PostAsync_ErrorShape_FailsWithTheTypedException(string shape, Type exceptionType, string errorType, string message) =>
        AwsWire.AssertErrorShapeAsync(_server, shape, exceptionType, errorType, message,
            () => FailedPostAsync("{}"u8.ToArray()));

    [Fact]
    public async Task PostAsync_ServerErrorThenSuccess_DeliversAfterTwoRequestsWithTheSamePayload()
    {
        _server.Enqueue(AwsWire.InternalError(), ScriptedResponse.Json(200, ""));

        var result = await _connections.PostAsync(ConnectionId, "{\"seq\":1}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(PostResult.Delivered, result);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal("{\"seq\":1}", r.BodyText));
    }

    [Fact]
    public async Task PostAsync_LimitExceededOnEveryAttempt_FailsWithThrottlingAfterMaxAttempts()
    {
        var limitExceeded = ScriptedResponse.Json(429, """{"message":"Limit exceeded"}""",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "LimitExceededException" });
        _server.Enqueue(limitExceeded, limitExceeded, limitExceeded, limitExceeded);

        await Assert.ThrowsAsync<AwsThrottlingException>(() => FailedPostAsync("{}"u8.ToArray()));

        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task GetAsync_LiveConnection_ParsesTimesAndIdentity()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"connectedAt":"2026-01-02T03:04:05.000Z","identity":{"sourceIp":"192.0.2.1","userAgent":"chat/1.0"},
            "lastActiveAt":"2026-01-02T03:09:05.000Z"}
            """));

        var info = await _connections.GetAsync(ConnectionId, CancellationToken.None);

        Assert.Equal(
            new ConnectionInfo(
                DateTimeOffset.Parse("2026-01-02T03:04:05Z"), DateTimeOffset.Parse("2026-01-02T03:09:05Z"), "192.0.2.1", "chat/1.0"),
            info);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(EncodedConnectionPath, request.RawTarget);
        AwsWire.AssertSignedFor(request, "execute-api");
    }

    [Fact]
    public async Task DeleteAsync_NoContent_ReturnsTrue()
    {
        _server.Enqueue(new ScriptedResponse(204, []));

        Assert.True(await _connections.DeleteAsync(ConnectionId, CancellationToken.None));
        var request = Assert.Single(_server.Requests);
        Assert.Equal("DELETE", request.Method);
        Assert.Equal(EncodedConnectionPath, request.RawTarget);
        AwsWire.AssertSignedFor(request, "execute-api");
    }

    [Fact]
    public async Task PostAsync_SigningDisabled_SendsNoAuthorization()
    {
        var unsigned = new ApiGatewayManagementClient(
            new Uri(_server.Url, "local"), AwsWire.Settings(_server) with { SignRequests = false });
        _server.Enqueue(ScriptedResponse.Json(200, ""));

        Assert.Equal(PostResult.Delivered, await unsigned.PostAsync(ConnectionId, "{}"u8.ToArray(), CancellationToken.None));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/local/@connections/R1k%2Fxc2%2BVNjMCFIA%3D", request.RawTarget);
        Assert.Null(request.Header("Authorization"));
    }

    [Theory]
    [InlineData("https://abc123.execute-api.us-east-1.amazonaws.com/prod")]
    [InlineData("https://abc123.execute-api.us-east-1.amazonaws.com/prod/")]
    public void ConnectionUri_StageEndpoint_AppendsTheConnectionsPathOnce(string endpoint)
    {
        var connections = new ApiGatewayManagementClient(new Uri(endpoint), AwsWire.Settings(_server));

        var uri = connections.ConnectionUri(ConnectionId);

        Assert.Equal("https://abc123.execute-api.us-east-1.amazonaws.com/prod/@connections/R1k%2Fxc2%2BVNjMCFIA%3D", uri.AbsoluteUri);
        Assert.Equal("/prod/@connections/R1k%2Fxc2%2BVNjMCFIA%3D", uri.AbsolutePath);
    }

    private static ScriptedResponse GoneAnswer() =>
        ScriptedResponse.Json(410, """{"message":"The connection no longer exists."}""",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = "GoneException" });

    /// <summary>Posts, asserts the post failed, and throws the typed error the failure carries, for the error assertions.</summary>
    private async Task FailedPostAsync(byte[] payload)
    {
        var result = await _connections.PostAsync(ConnectionId, payload, CancellationToken.None);
        Assert.Equal(PostStatus.Failed, result.Status);
        ExceptionDispatchInfo.Throw(result.Error!);
    }
}
