using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.Sqs;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.Sqs;

public sealed class SqsClientTests : IAsyncLifetime
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/conduit-turns";
    private const string Sent =
        """{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","MD5OfMessageBody":"fafb00f5732ab283681e124bf8747ed1"}""";

    private RecordingAwsServer _server = null!;
    private SqsClient _sqs = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _sqs = new SqsClient(AwsWire.Settings(_server));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SendMessageAsync_MinimalRequest_PostsAwsJsonToTheRootWithTheQueueUrlInTheBody()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Sent));

        await _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "This is a test message"), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal("AmazonSQS.SendMessage", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.0", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "sqs");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(
            ["QueueUrl", "MessageBody"],
            body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(QueueUrl, body.RootElement.GetProperty("QueueUrl").GetString());
        Assert.Equal("This is a test message", body.RootElement.GetProperty("MessageBody").GetString());
    }

    [Fact]
    public async Task SendMessageAsync_AllMembers_SendsPascalCaseMembersAndBase64BinaryAttributes()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Sent));
        var attributes = new Dictionary<string, SqsMessageAttributeValue>
        {
            ["requestId"] = SqsMessageAttributeValue.String("r-1"),
            ["attempt"] = SqsMessageAttributeValue.Number("2"),
            ["digest"] = SqsMessageAttributeValue.Binary([0x01, 0xFF]),
        };

        await _sqs.SendMessageAsync(
            new SqsSendRequest(
                QueueUrl, "body", DelaySeconds: 30, MessageAttributes: attributes, MessageGroupId: "session-1",
                MessageDeduplicationId: "r-1"),
            CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        var root = body.RootElement;
        Assert.Equal(30, root.GetProperty("DelaySeconds").GetInt32());
        Assert.Equal("session-1", root.GetProperty("MessageGroupId").GetString());
        Assert.Equal("r-1", root.GetProperty("MessageDeduplicationId").GetString());
        var sent = root.GetProperty("MessageAttributes");
        Assert.Equal("""{"DataType":"String","StringValue":"r-1"}""", sent.GetProperty("requestId").GetRawText());
        Assert.Equal("""{"DataType":"Number","StringValue":"2"}""", sent.GetProperty("attempt").GetRawText());
        Assert.Equal("""{"DataType":"Binary","BinaryValue":"Af8="}""", sent.GetProperty("digest").GetRawText());
    }

    [Fact]
    public async Task SendMessageAsync_JsonBodyWithNonAsciiText_SendsItWithOnlyTheEscapesJsonRequires()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Sent));

        await _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, """{"text":"héllo <b>"}"""), CancellationToken.None);

        Assert.Contains("""
            "MessageBody":"{\"text\":\"héllo <b>\"}"
            """, Assert.Single(_server.Requests).BodyText);
    }

    [Fact]
    public async Task SendMessageAsync_FifoAnswer_ReturnsIdDigestAndSequenceNumber()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """
            {"MD5OfMessageBody":"fafb00f5732ab283681e124bf8747ed1","MD5OfMessageAttributes":"3ae8f24a165a8cedc005670c81a27295",
             "MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","SequenceNumber":"18849496460467696128"}
            """, new Dictionary<string, string> { ["x-amzn-RequestId"] = "27daac76-34dd-47df-bd01-1f6e873584a0" }));

        var result = await _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "This is a test message"), CancellationToken.None);

        Assert.Equal(
            new SqsSendResult("5fea7756-0ea4-451a-a703-a558b933e274", "fafb00f5732ab283681e124bf8747ed1", "18849496460467696128"), result);
    }

    [Fact]
    public async Task SendMessageAsync_StandardQueueAnswer_HasNoSequenceNumber()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Sent));

        var result = await _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "m"), CancellationToken.None);

        Assert.Equal("5fea7756-0ea4-451a-a703-a558b933e274", result.MessageId);
        Assert.Null(result.SequenceNumber);
    }

    [Fact]
    public async Task SendMessageAsync_QueueDoesNotExist_ThrowsNotFoundWithTheSanitizedType()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400,
            """{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}""",
            new Dictionary<string, string> { ["x-amzn-query-error"] = "AWS.SimpleQueueService.NonExistentQueue;Sender" }));

        var exception = await Assert.ThrowsAsync<AwsNotFoundException>(
            () => _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "m"), CancellationToken.None));

        Assert.Equal("QueueDoesNotExist", exception.ErrorType);
        Assert.Equal("The specified queue does not exist.", exception.Message);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(AwsWire.ErrorShapes), MemberType = typeof(AwsWire))]
    public Task SendMessageAsync_ErrorShape_ThrowsTheTypedException(string shape, Type exceptionType, string errorType, string message) =>
        AwsWire.AssertErrorShapeAsync(_server, shape, exceptionType, errorType, message,
            () => _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "m"), CancellationToken.None));

    [Fact]
    public async Task SendMessageAsync_ServerErrorThenSuccess_ReturnsTheResultAfterTwoSignedRequests()
    {
        _server.Enqueue(AwsWire.InternalError(), ScriptedResponse.AwsJson(200, Sent));

        var result = await _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "m"), CancellationToken.None);

        Assert.Equal("5fea7756-0ea4-451a-a703-a558b933e274", result.MessageId);
        Assert.Equal(2, _server.Requests.Count);
        Assert.All(_server.Requests, r => AwsWire.AssertSignedFor(r, "sqs"));
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
    }

    [Fact]
    public async Task SendMessageAsync_ThrottledOnEveryAttempt_ThrowsThrottlingAfterMaxAttempts()
    {
        _server.Enqueue(AwsWire.Throttled(), AwsWire.Throttled(), AwsWire.Throttled(), AwsWire.Throttled());

        await Assert.ThrowsAsync<AwsThrottlingException>(
            () => _sqs.SendMessageAsync(new SqsSendRequest(QueueUrl, "m"), CancellationToken.None));

        Assert.Equal(4, _server.Requests.Count);
    }
}
