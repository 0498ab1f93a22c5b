using Amazon.Runtime;
using Conduit.Local.Edge;

namespace Conduit.Tests.Edge;

/// <summary>
/// The edge's dispatch table and refusals: a request reaches the service whose X-Amz-Target prefix it names, signed
/// as AWS requires; everything else is answered in the AWS JSON 1.0 error shape and reaches no service.
/// </summary>
public sealed class AwsEdgeTests
{
    private static readonly BasicAWSCredentials AnyKey = new("AKIDANYONE", "any-secret");

    [Fact]
    public async Task HandleAsync_ASignedRequest_ReachesTheServiceOfItsTargetPrefix()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var queue = new RecordingJsonService("AmazonSQS", "sqs");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states, queue);

        var (status, body) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", """{"maxResults":2}""", AnyKey));

        Assert.Equal(200, status);
        Assert.Equal("ListStateMachines", body["echo"]!.GetValue<string>());
        var call = Assert.Single(states.Calls);
        Assert.Equal(2, call.Input["maxResults"]!.GetValue<int>());
        Assert.Empty(queue.Calls);
    }

    [Theory]
    [InlineData("AmazonSQS.SendMessage")]
    [InlineData("AWSStepFunctions")]
    [InlineData("")]
    public async Task HandleAsync_ATargetNoServiceServes_Is400UnknownOperation(string target)
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);

        var (status, body) = await EdgeRequests.RunAsync(edge, await EdgeRequests.PostAsync(target, "{}", AnyKey));

        Assert.Equal(400, status);
        Assert.Equal("com.amazon.coral.service#UnknownOperationException", body["__type"]!.GetValue<string>());
        Assert.Empty(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_Unsigned_Is403MissingAuthenticationToken()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);

        var context = await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", "{}", credentials: null);
        var (status, body) = await EdgeRequests.RunAsync(edge, context);

        Assert.Equal(403, status);
        Assert.Equal("com.amazon.coral.service#MissingAuthenticationTokenException", body["__type"]!.GetValue<string>());
        Assert.Equal("Missing Authentication Token", body["message"]!.GetValue<string>());
        Assert.Equal("MissingAuthenticationTokenException", context.Response.Headers["x-amzn-ErrorType"].ToString());
        Assert.Equal(EdgeRequests.ContentType, context.Response.ContentType);
        Assert.Empty(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_AMalformedAuthorizationHeader_Is400IncompleteSignature()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);
        var context = await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", "{}", AnyKey);
        context.Request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request";

        var (status, body) = await EdgeRequests.RunAsync(edge, context);

        Assert.Equal(400, status);
        Assert.Equal("com.amazon.coral.service#IncompleteSignatureException", body["__type"]!.GetValue<string>());
        Assert.Empty(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_AnyCredentials_AcceptsAnyKeyAndSignature()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);
        var context = await EdgeRequests.PostAsync(
            "AWSStepFunctions.ListStateMachines", "{}", new BasicAWSCredentials("WHOEVER", "x"), "sqs");

        var (status, _) = await EdgeRequests.RunAsync(edge, context);

        Assert.Equal(200, status);
    }

    [Fact]
    public async Task HandleAsync_ConfiguredCredentials_AcceptOnlyThatKeySignedForTheService()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.ForCredentials("AKIDONLY", "only-secret", TimeProvider.System), states);

        var (right, _) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync(
                "AWSStepFunctions.ListStateMachines", "{}", new BasicAWSCredentials("AKIDONLY", "only-secret")));
        var (otherKey, otherKeyBody) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync(
                "AWSStepFunctions.ListStateMachines", "{}", new BasicAWSCredentials("AKIDOTHER", "only-secret")));
        var (otherSecret, otherSecretBody) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", "{}", new BasicAWSCredentials("AKIDONLY", "guess")));
        var (otherService, otherServiceBody) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync(
                "AWSStepFunctions.ListStateMachines", "{}", new BasicAWSCredentials("AKIDONLY", "only-secret"), "sqs"));

        Assert.Equal(200, right);
        Assert.Equal((400, "com.amazon.coral.service#UnrecognizedClientException"), (otherKey, otherKeyBody["__type"]!.GetValue<string>()));
        Assert.Equal(
            (400, "com.amazon.coral.service#InvalidSignatureException"), (otherSecret, otherSecretBody["__type"]!.GetValue<string>()));
        Assert.Equal(
            (400, "com.amazon.coral.service#InvalidSignatureException"), (otherService, otherServiceBody["__type"]!.GetValue<string>()));
        Assert.Single(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_ABodyThatIsNotAJsonObject_Is400SerializationException()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);

        var (status, body) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", "[1,", AnyKey));

        Assert.Equal(400, status);
        Assert.Equal("com.amazon.coral.service#SerializationException", body["__type"]!.GetValue<string>());
        Assert.Empty(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_AnotherContentType_IsRefusedBeforeTheService()
    {
        var states = new RecordingJsonService("AWSStepFunctions", "states");
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);

        var (status, body) = await EdgeRequests.RunAsync(
            edge, await EdgeRequests.PostAsync("AWSStepFunctions.ListStateMachines", "{}", AnyKey, contentType: "text/plain"));

        Assert.Equal(400, status);
        Assert.Contains("application/x-amz-json-1.0", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(states.Calls);
    }

    [Fact]
    public async Task HandleAsync_AServiceError_KeepsItsStatusTypeAndMessage()
    {
        var states = new RecordingJsonService(
            "AWSStepFunctions", "states", (_, _) => throw new AwsJsonException(400, "com.amazonaws.sfn#ExecutionDoesNotExist", "gone"));
        var edge = EdgeRequests.Edge(SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System), states);

        var context = await EdgeRequests.PostAsync("AWSStepFunctions.DescribeExecution", "{}", AnyKey);
        var (status, body) = await EdgeRequests.RunAsync(edge, context);

        Assert.Equal(400, status);
        Assert.Equal("""{"__type":"com.amazonaws.sfn#ExecutionDoesNotExist","message":"gone"}""", body.ToJsonString());
        Assert.Equal("ExecutionDoesNotExist", context.Response.Headers["x-amzn-ErrorType"].ToString());
    }

    [Fact]
    public void Constructor_TwoServicesWithOnePrefix_Throws()
    {
        Assert.Throws<ArgumentException>(() => EdgeRequests.Edge(
            SigV4Verifier.AcceptingAnyCredentials(TimeProvider.System),
            new RecordingJsonService("AmazonSQS", "sqs"),
            new RecordingJsonService("AmazonSQS", "sqs")));
    }

    [Theory]
    [InlineData("com.amazonaws.sfn#InvalidArn", "InvalidArn")]
    [InlineData("com.amazon.coral.service#UnknownOperationException", "UnknownOperationException")]
    [InlineData("Plain", "Plain")]
    public void ErrorCode_IsTheShapeNameWithoutItsNamespace(string errorType, string code)
    {
        Assert.Equal(code, new AwsJsonException(400, errorType, "m").ErrorCode);
    }
}
