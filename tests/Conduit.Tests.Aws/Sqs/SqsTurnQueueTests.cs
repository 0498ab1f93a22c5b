using System.Text.Json;
using Conduit.Aws.Sqs;
using Conduit.Core.Contracts;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Sqs;

public sealed class SqsTurnQueueTests
{
    [Fact]
    public async Task EnqueueAsync_TurnRequest_SendsItsWireJsonToTheConfiguredQueue()
    {
        const string queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/conduit-turns";
        await using var server = await RecordingAwsServer.StartAsync();
        server.Enqueue(ScriptedResponse.AwsJson(200, """{"MessageId":"m-1","MD5OfMessageBody":"d"}"""));
        var queue = new SqsTurnQueue(new SqsClient(AwsWire.Settings(server)), queueUrl);

        await queue.EnqueueAsync(
            new TurnRequest("r-1", "s-1", "c/1+=", DateTimeOffset.Parse("2026-01-02T03:04:05Z")), CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("AmazonSQS.SendMessage", request.Header("X-Amz-Target"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(queueUrl, body.RootElement.GetProperty("QueueUrl").GetString());
        Assert.Equal(
            """{"requestId":"r-1","sessionId":"s-1","connectionId":"c/1+=","receivedAt":"2026-01-02T03:04:05+00:00"}""",
            body.RootElement.GetProperty("MessageBody").GetString());
    }
}
