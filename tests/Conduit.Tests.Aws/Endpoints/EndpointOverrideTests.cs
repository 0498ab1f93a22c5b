using Amazon.DynamoDBv2.Model;
using Conduit.Aws;
using Conduit.Aws.BedrockAgentRuntime;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Endpoints;
using Conduit.Aws.Sqs;
using Conduit.Aws.StepFunctions;
using Conduit.Core.Contracts;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Endpoints;

/// <summary>Every client, hand-written or official, follows AWS_ENDPOINT_URL and still signs for its own service.</summary>
public sealed class EndpointOverrideTests : IAsyncLifetime
{
    private RecordingAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StepFunctions_ServiceVariable_SendsThereSignedForStates()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """{"executionArn":"arn:aws:states:us-east-1:1:execution:m:r","startDate":1}"""));
        var client = new StepFunctionsClient(Settings("AWS_ENDPOINT_URL_SFN"));

        await client.StartExecutionAsync("arn:aws:states:us-east-1:1:stateMachine:m", "r", "{}", null, CancellationToken.None);

        AwsWire.AssertSignedFor(Assert.Single(_server.Requests), "states");
    }

    [Fact]
    public async Task BedrockKnowledgeBase_GlobalVariable_SendsThereSignedForBedrock()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """{"retrievalResults":[]}"""));
        var knowledgeBase = new BedrockKnowledgeBase(Settings("AWS_ENDPOINT_URL"), "KB12345678");

        await knowledgeBase.SearchAsync("q", 3, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/knowledgebases/KB12345678/retrieve", request.RawTarget);
        AwsWire.AssertSignedFor(request, "bedrock");
    }

    [Fact]
    public async Task Sqs_ServiceVariable_SendsThereSignedForSqs()
    {
        var body = """{"userId":"u","requestId":"r","sessionId":"s","connectionId":"c","receivedAt":"1970-01-01T00:00:00+00:00"}""";
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
        _server.Enqueue(ScriptedResponse.AwsJson(200, $$"""{"MessageId":"m","MD5OfMessageBody":"{{digest}}"}"""));
        var queue = new SqsTurnQueue(SqsClientFactory.Create(Settings("AWS_ENDPOINT_URL_SQS")), "https://sqs.us-east-1.amazonaws.com/1/q");

        await queue.EnqueueAsync(new TurnRequest("u", "r", "s", "c", DateTimeOffset.UnixEpoch), CancellationToken.None);

        AwsWire.AssertSignedFor(Assert.Single(_server.Requests), "sqs");
    }

    [Fact]
    public async Task DynamoDb_ServiceVariable_SendsThereSignedForDynamoDb()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, "{}"));
        using var client = (IDisposable)DynamoDbClientFactory.Create(Settings("AWS_ENDPOINT_URL_DYNAMODB"));

        await ((Amazon.DynamoDBv2.IAmazonDynamoDB)client).DeleteItemAsync(
            new DeleteItemRequest { TableName = "t", Key = new() { ["k"] = new AttributeValue { S = "v" } } }, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("DynamoDB_20120810.DeleteItem", request.Header("X-Amz-Target"));
        AwsWire.AssertSignedFor(request, "dynamodb");
    }

    /// <summary>The wire settings with no fixed service URL: only the endpoint setting points at the server.</summary>
    private AwsClientSettings Settings(string variable) => AwsWire.Settings(_server) with
    {
        ServiceUrl = null,
        Endpoints = new ConfiguredEndpoints(name => name == variable ? _server.Url.AbsoluteUri : null, _ => null),
    };
}
