using System.Text.Json;
using Amazon.SQS.Model;
using Conduit.Aws.Sqs;
using Conduit.Core.Contracts;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Sqs;

/// <summary>The turn queue over the official SQS client (AWSSDK.SQS), as it reaches the wire.</summary>
public sealed class SqsTurnQueueTests : IAsyncLifetime
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/conduit-turns";
    private static readonly TurnRequest Turn = new("u-1", "r-1", "s-1", "c/1+=", DateTimeOffset.Parse("2026-01-02T03:04:05Z"));

    private const string TurnJson =
        """{"userId":"u-1","requestId":"r-1","sessionId":"s-1","connectionId":"c/1+=","receivedAt":"2026-01-02T03:04:05+00:00"}""";

    private RecordingAwsServer _server = null!;
    private SqsTurnQueue _queue = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _queue = new SqsTurnQueue(SqsClientFactory.Create(AwsWire.Settings(_server)), QueueUrl);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EnqueueAsync_TurnRequest_PostsSignedAwsJsonWithTheQueueUrlAndTheTurnsWireJson()
    {
        _server.Enqueue(Sent(TurnJson));

        await _queue.EnqueueAsync(Turn, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal("AmazonSQS.SendMessage", request.Header("X-Amz-Target"));
        Assert.StartsWith("application/x-amz-json-1.0", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "sqs");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(QueueUrl, body.RootElement.GetProperty("QueueUrl").GetString());
        Assert.Equal(TurnJson, body.RootElement.GetProperty("MessageBody").GetString());
    }

    [Fact]
    public async Task EnqueueAsync_ServerErrorThenSuccess_RetriesWithTheSameBody()
    {
        _server.Enqueue(AwsWire.InternalError(), Sent(TurnJson));

        await _queue.EnqueueAsync(Turn, CancellationToken.None);

        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
    }

    [Fact]
    public async Task EnqueueAsync_QueueDoesNotExist_ThrowsTheServicesErrorWithoutRetrying()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400,
            """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}""",
            new Dictionary<string, string> { ["x-amzn-query-error"] = "AWS.SimpleQueueService.NonExistentQueue;Sender" }));

        var exception = await Assert.ThrowsAsync<QueueDoesNotExistException>(
            () => _queue.EnqueueAsync(Turn, CancellationToken.None));

        Assert.Equal("The specified queue does not exist.", exception.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task EnqueueAsync_AnswerWithAnotherBodysDigest_IsRefusedAsCorrupted()
    {
        _server.Enqueue(Sent("something else"));

        await Assert.ThrowsAsync<Amazon.SQS.AmazonSQSException>(() => _queue.EnqueueAsync(Turn, CancellationToken.None));
    }

    /// <summary>SendMessage's answer, whose body digest the SDK checks against what it sent.</summary>
    private static ScriptedResponse Sent(string messageBody) => ScriptedResponse.AwsJson(200, $$"""
        {"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274",
         "MD5OfMessageBody":
          "{{Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(messageBody)))}}"}
        """);
}
