using Amazon.Runtime;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Edge;

/// <summary>
/// The REST-JSON half of the edge: a request reaches the route its method and path match, with its labels decoded,
/// signed for the service's signing name; refusals carry the status, <c>x-amzn-ErrorType</c> and a message body.
/// </summary>
public sealed class AwsRestEdgeTests
{
    private static readonly BasicAWSCredentials Key = new("AKIDREST", "rest-secret");

    [Fact]
    public async Task HandleAsync_APercentEncodedModelId_ReachesTheRouteAsOneDecodedLabel()
    {
        var service = new RecordingRestService("/model/{modelId}/converse");
        var edge = Edge(Strict(), service);

        var (status, _, body) = await RestRequests.RunAsync(edge, await RestRequests.SendAsync(
            "POST", "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.nova-lite-v1%3A0/converse", """{"a":1}""", Key));

        Assert.Equal(200, status);
        Assert.Equal("arn:aws:bedrock:us-east-1:1:inference-profile/us.nova-lite-v1:0", body["modelId"]!.GetValue<string>());
        Assert.Equal(1, Assert.Single(service.Calls).Body["a"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/model/m/converse")]
    [InlineData("POST", "/model/m/converse/extra")]
    [InlineData("POST", "/healthz")]
    public void Recognize_APathNoServiceClaims_IsLeftToTheHost(string method, string path)
    {
        var edge = Edge(Strict(), new RecordingRestService("/model/{modelId}/converse"));
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = path;

        Assert.Null(edge.Recognize(context.Request));
    }

    [Fact]
    public async Task HandleAsync_Unsigned_Is403MissingAuthenticationToken()
    {
        var service = new RecordingRestService("/model/{modelId}/converse");

        var (status, errorType, body) = await RestRequests.RunAsync(
            Edge(Strict(), service), await RestRequests.SendAsync("POST", "/model/m/converse", "{}", credentials: null));

        Assert.Equal(403, status);
        Assert.Equal("MissingAuthenticationTokenException", errorType);
        Assert.Equal("Missing Authentication Token", body["message"]!.GetValue<string>());
        Assert.Empty(service.Calls);
    }

    [Fact]
    public async Task HandleAsync_SignedForAnotherService_Is403InvalidSignature()
    {
        var service = new RecordingRestService("/model/{modelId}/converse");

        var (status, errorType, _) = await RestRequests.RunAsync(
            Edge(Strict(), service), await RestRequests.SendAsync("POST", "/model/m/converse", "{}", Key, service: "states"));

        Assert.Equal(403, status);
        Assert.Equal("InvalidSignatureException", errorType);
        Assert.Empty(service.Calls);
    }

    [Fact]
    public async Task HandleAsync_ABodyThatIsNotAJsonObject_Is400SerializationException()
    {
        var service = new RecordingRestService("/model/{modelId}/converse");

        var (status, errorType, _) = await RestRequests.RunAsync(
            Edge(Strict(), service), await RestRequests.SendAsync("POST", "/model/m/converse", "[1,", Key));

        Assert.Equal(400, status);
        Assert.Equal("SerializationException", errorType);
        Assert.Empty(service.Calls);
    }

    [Fact]
    public async Task HandleAsync_TheOperationRefuses_WritesItsStatusTypeAndMessage()
    {
        var service = new RecordingRestService("/knowledgebases/{id}/retrieve", failure: AwsRestException.NotFound("no such kb"));

        var (status, errorType, body) = await RestRequests.RunAsync(
            Edge(Strict(), service), await RestRequests.SendAsync("POST", "/knowledgebases/X/retrieve", "{}", Key));

        Assert.Equal(404, status);
        Assert.Equal("ResourceNotFoundException", errorType);
        Assert.Equal("no such kb", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task HandleAsync_TheOperationFails_Is500InternalServerException()
    {
        var service = new RecordingRestService("/model/{modelId}/converse", failure: new InvalidOperationException("emulator bug"));

        var (status, errorType, body) = await RestRequests.RunAsync(
            Edge(Strict(), service), await RestRequests.SendAsync("POST", "/model/m/converse", "{}", Key));

        Assert.Equal(500, status);
        Assert.Equal("InternalServerException", errorType);
        Assert.Equal("emulator bug", body["message"]!.GetValue<string>());
    }

    [Fact]
    public void Constructor_TwoServicesClaimingOneRoute_IsRefused() =>
        Assert.Throws<ArgumentException>(() => Edge(
            Strict(), new RecordingRestService("/model/{modelId}/converse"), new RecordingRestService("/model/{modelId}/converse")));

    private static SigV4Verifier Strict() =>
        SigV4Verifier.ForCredentials(Key.GetCredentials().AccessKey, "rest-secret", TimeProvider.System);

    private static AwsRestEdge Edge(SigV4Verifier verifier, params IAwsRestService[] services) =>
        new(services, verifier, NullLogger<AwsRestEdge>.Instance);
}
