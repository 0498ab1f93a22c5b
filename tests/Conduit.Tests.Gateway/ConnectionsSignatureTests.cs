using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Local.Gateway;
using Conduit.Tests.Support;

namespace Conduit.Tests.Gateway;

/// <summary>
/// The @connections API verifies SigV4 as API Gateway does under IAM: only the host's key, a signature recomputed over
/// the request as received, within 15 minutes; every refusal is 403 with API Gateway's error type, and nothing is sent.
/// </summary>
public sealed class ConnectionsSignatureTests : GatewayTest
{
    private readonly ManualTimeProvider _clock;

    public ConnectionsSignatureTests()
        : this(new ManualTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    /// <summary>The clock moves by minutes here, so the idle timeout is out of the way.</summary>
    private ConnectionsSignatureTests(ManualTimeProvider clock)
        : base(new GatewayOptions { IdleTimeout = TimeSpan.FromHours(2) }, clock) => _clock = clock;

    [Fact]
    public async Task Post_Unsigned_Is403MissingAuthenticationToken()
    {
        await using var chat = await Host.ConnectAsync();
        using var http = Host.CreateHttpClient();

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("forged"));

        await AssertRefusedAsync(response, "MissingAuthenticationTokenException", "Missing Authentication Token");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_TheHostsKeyIdWithAnotherSecret_Is403InvalidSignature()
    {
        await using var chat = await Host.ConnectAsync();
        var keyId = GatewayHost.FunctionCredentials.GetCredentials().AccessKey;
        using var http = Host.CreateSignedHttpClient(new BasicAWSCredentials(keyId, "bm90LXRoZS1ob3N0cy1zZWNyZXQtYXQtYWxsLW5vLXNpcg"));

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("forged"));

        await AssertRefusedAsync(response, "InvalidSignatureException", "The request signature we calculated does not match");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_AKeyIdTheHostDidNotIssue_Is403UnrecognizedClient()
    {
        await using var chat = await Host.ConnectAsync();
        using var http = Host.CreateSignedHttpClient(new BasicAWSCredentials("AKIDSOMEONEELSE00001", "c29tZW9uZS1lbHNlcy1zZWNyZXQ"));

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("forged"));

        await AssertRefusedAsync(response, "UnrecognizedClientException", "The security token included in the request is invalid.");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_BodyChangedAfterSigning_Is403InvalidSignature()
    {
        await using var chat = await Host.ConnectAsync();
        var keys = GatewayHost.FunctionCredentials;
        using var http = new HttpClient(new SigV4SigningHandler(
            new AWSSigV4Parameters
            {
                Credentials = keys, Region = Amazon.RegionEndpoint.USEast1, Service = ApiGatewayManagementClient.SigningName,
                SignedAt = _clock.GetUtcNow().UtcDateTime,
            },
            new ReplacingBodyHandler(Encoding.UTF8.GetBytes("""{"type":"token","text":"forged!"}"""))))
        { BaseAddress = Host.HttpBase };

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("genuine"));

        await AssertRefusedAsync(response, "InvalidSignatureException", "The provided 'x-amz-content-sha256'");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_SignedForAnotherRegion_Is403InvalidSignature()
    {
        await using var chat = await Host.ConnectAsync();
        using var http = Host.CreateSignedHttpClient(region: "eu-west-1");

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("forged"));

        await AssertRefusedAsync(response, "InvalidSignatureException", "Credential should be scoped to a valid region");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_SignedMoreThan15MinutesAgo_Is403SignatureExpired_ButWithin15MinutesIsDelivered()
    {
        await using var chat = await Host.ConnectAsync();
        using var http = Host.CreateSignedHttpClient();
        var path = Host.ConnectionPath(Host.OnlyConnectionId());

        _clock.Advance(TimeSpan.FromMinutes(14));
        using var fresh = await http.PostAsync(path, Frame("in time"));
        _clock.Advance(TimeSpan.FromMinutes(2));
        using var stale = await http.PostAsync(path, Frame("replayed"));

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("in time", (await chat.NextAsync()).GetProperty("text").GetString());
        await AssertRefusedAsync(stale, "InvalidSignatureException", "Signature expired");
        await AssertNothingArrivedAsync(chat);
    }

    [Fact]
    public async Task Post_SignedInTheFutureBeyond15Minutes_Is403()
    {
        await using var chat = await Host.ConnectAsync();
        using var http = Host.CreateSignedHttpClient(signedAt: _clock.GetUtcNow().AddMinutes(16));

        using var response = await http.PostAsync(Host.ConnectionPath(Host.OnlyConnectionId()), Frame("from the future"));

        await AssertRefusedAsync(response, "InvalidSignatureException", "Signature not yet current");
    }

    [Theory]
    [InlineData("R1k/x+y=")]
    [InlineData("AbC/dEf+gh12Iw==")]
    public async Task AnyMethod_EscapedIdAndQuery_SignedByTheHost_PassesTheCheckAndReachesTheGateway(string connectionId)
    {
        using var http = Host.CreateSignedHttpClient();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Get, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, Host.ConnectionPath(connectionId) + "?b=2&a=x%20y&a=%2F");
            if (method == HttpMethod.Post) request.Content = Frame("to nobody");

            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        }
    }

    private static StringContent Frame(string text) =>
        new(JsonSerializer.Serialize(new { type = "token", text }), Encoding.UTF8, "application/json");

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string errorType, string messageStart)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(errorType, Assert.Single(response.Headers.GetValues("x-amzn-ErrorType")));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(messageStart, body.RootElement.GetProperty("message").GetString());
    }

    private async Task AssertNothingArrivedAsync(ChatConnection chat)
    {
        await chat.PingAsync();
        Assert.Equal("pong", (await chat.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("ping", ScriptedIngress.RouteKey(await Ingress.NextEventAsync()));
    }

    /// <summary>Swaps the body after the signer has hashed it, as a tampering proxy would, keeping the signed headers.</summary>
    private sealed class ReplacingBodyHandler(byte[] body) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Content!.Headers;
            var replacement = new ByteArrayContent(body);
            foreach (var header in headers) replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            replacement.Headers.ContentLength = body.Length;
            request.Content = replacement;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
