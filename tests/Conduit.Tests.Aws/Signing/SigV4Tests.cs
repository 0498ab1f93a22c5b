using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;
using Conduit.Aws;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Signing;

public sealed class SigV4Tests
{
    [Fact]
    public void ComputeSignature_GetVanillaVector_MatchesPublishedSignature()
    {
        const string canonicalRequest = """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """;

        var result = AWS4Signer.ComputeSignature(
            new ImmutableCredentials(AwsWire.AccessKey, AwsWire.SecretKey, null),
            "us-east-1",
            new DateTime(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc),
            "service",
            "host;x-amz-date",
            canonicalRequest.ReplaceLineEndings("\n"));

        Assert.Equal("5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", result.Signature);
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            result.ForAuthorizationHeader);
    }

    [Fact]
    public async Task SendAsync_EncodedPathSegments_SignsTheDoubleEncodedCanonicalRequest()
    {
        await using var server = await RecordingAwsServer.StartAsync();
        server.Enqueue(ScriptedResponse.Json(200, "{}"));
        var http = new AwsHttp("execute-api", AwsWire.Settings(server));
        var body = """{"type":"token","text":"hi"}"""u8.ToArray();

        using var response = await http.SendAsync(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "prod/@connections/R1k%2Fx%2By%3D")) { Content = content };
        }, HttpCompletionOption.ResponseContentRead, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/prod/@connections/R1k%2Fx%2By%3D", request.RawTarget);
        var amzDate = request.Header("X-Amz-Date")!;
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        Assert.Equal(payloadHash, request.Header("X-Amz-Content-SHA256"));
        const string signedHeaders = "content-length;content-type;host;x-amz-content-sha256;x-amz-date";
        var canonicalRequest = new StringBuilder()
            .Append("POST\n")
            .Append("/prod/%40connections/R1k%252Fx%252By%253D\n")
            .Append('\n')
            .Append($"content-length:{body.Length}\n")
            .Append("content-type:application/json\n")
            .Append($"host:{server.Url.Authority}\n")
            .Append($"x-amz-content-sha256:{payloadHash}\n")
            .Append($"x-amz-date:{amzDate}\n")
            .Append('\n')
            .Append(signedHeaders).Append('\n')
            .Append(payloadHash)
            .ToString();
        var signedAt = DateTime.ParseExact(
            amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var expected = AWS4Signer.ComputeSignature(
            new ImmutableCredentials(AwsWire.AccessKey, AwsWire.SecretKey, null), "us-east-1", signedAt, "execute-api", signedHeaders,
            canonicalRequest);
        Assert.Equal(expected.ForAuthorizationHeader, request.Header("Authorization"));
    }

    [Fact]
    public async Task SendAsync_SigningDisabled_SendsNoSignatureHeaders()
    {
        await using var server = await RecordingAwsServer.StartAsync();
        server.Enqueue(ScriptedResponse.Json(200, "{}"));
        var http = new AwsHttp("execute-api", AwsWire.Settings(server) with { SignRequests = false });

        using var response = await http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, new Uri(server.Url, "local/@connections/abc%3D")),
            HttpCompletionOption.ResponseContentRead,
            CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Header("X-Amz-Date"));
        Assert.Null(request.Header("X-Amz-Content-SHA256"));
    }
}
