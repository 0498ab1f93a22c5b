using System.Text.Json.Nodes;
using Conduit.Local.Edge;
using Conduit.Local.Queue;
using Conduit.Local.Sqlite;
using Conduit.Tests.Support;

namespace Conduit.Tests.Queue;

public sealed class SqsJsonApiTests : IAsyncLifetime
{
    private const string TurnsUrl = "http://127.0.0.1:5080/000000000000/conduit-turns";
    private const string DeadLetterUrl = "http://127.0.0.1:5080/000000000000/conduit-turns-dlq";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly QueueOptions _options = new() { MaxReceiveCount = 2 };
    private DurableQueue _turns = null!;
    private SqsJsonApi _api = null!;

    public Task InitializeAsync()
    {
        _turns = new DurableQueue(_database, _options, _time);
        _api = NewApi();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ListQueues_OnANewHost_ListsTheTurnsQueueAndItsDeadLetterQueue()
    {
        var listed = await InvokeAsync("ListQueues", "{}");

        Assert.Equal([TurnsUrl, DeadLetterUrl], Strings(listed["QueueUrls"]));
    }

    [Fact]
    public async Task GetQueueAttributes_TurnsQueue_ReportsItsRedrivePolicyAndCounts()
    {
        await _turns.SendAsync("turn");

        var output = await InvokeAsync("GetQueueAttributes", $$"""{"QueueUrl":"{{TurnsUrl}}","AttributeNames":["All"]}""");
        var attributes = output["Attributes"]!;

        Assert.Equal("1", attributes["ApproximateNumberOfMessages"]!.GetValue<string>());
        Assert.Equal("0", attributes["ApproximateNumberOfMessagesNotVisible"]!.GetValue<string>());
        Assert.Equal("30", attributes["VisibilityTimeout"]!.GetValue<string>());
        Assert.Equal("arn:aws:sqs:local:000000000000:conduit-turns", attributes["QueueArn"]!.GetValue<string>());
        Assert.Equal(
            """{"deadLetterTargetArn":"arn:aws:sqs:local:000000000000:conduit-turns-dlq","maxReceiveCount":2}""",
            attributes["RedrivePolicy"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetQueueAttributes_UnknownName_IsInvalidAttributeName()
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(
            () => InvokeAsync("GetQueueAttributes", $$"""{"QueueUrl":"{{TurnsUrl}}","AttributeNames":["Colour"]}"""));

        Assert.Equal("com.amazonaws.sqs#InvalidAttributeName", error.ErrorType);
    }

    [Fact]
    public async Task SendMessage_UnknownQueue_IsQueueDoesNotExistWithTheLegacyCode()
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(
            () => InvokeAsync("SendMessage", """{"QueueUrl":"http://127.0.0.1:5080/000000000000/nowhere","MessageBody":"x"}"""));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("com.amazonaws.sqs#QueueDoesNotExist", error.ErrorType);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue;Sender", error.QueryError);
    }

    [Fact]
    public async Task SendMessage_InvalidCharacter_IsInvalidMessageContents()
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(
            () => InvokeAsync("SendMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","MessageBody":"bell \u0007"}"""));

        Assert.Equal("com.amazonaws.sqs#InvalidMessageContents", error.ErrorType);
        Assert.Equal(0, (await _turns.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task SendMessage_WithAttributes_ReturnsTheDigestsSqsComputes()
    {
        var sent = await InvokeAsync("SendMessage", $$"""
            {"QueueUrl":"{{TurnsUrl}}","MessageBody":"hello",
             "MessageAttributes":{"b":{"DataType":"Binary","BinaryValue":"AQID"},"a":{"DataType":"String","StringValue":"x"} } }
            """);

        Assert.Equal("5d41402abc4b2a76b9719d911017c592", sent["MD5OfMessageBody"]!.GetValue<string>());
        Assert.Equal(ExpectedAttributeDigest(), sent["MD5OfMessageAttributes"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendMessageBatch_OneBadEntry_FailsThatEntryAndSendsTheOthers()
    {
        var result = await InvokeAsync("SendMessageBatch", $$"""
            {"QueueUrl":"{{TurnsUrl}}","Entries":[{"Id":"good","MessageBody":"one"},{"Id":"bad","MessageBody":""}]}
            """);

        Assert.Equal(["good"], ((JsonArray)result["Successful"]!).Select(entry => entry!["Id"]!.GetValue<string>()));
        var failed = Assert.Single((JsonArray)result["Failed"]!)!;
        Assert.Equal("bad", failed["Id"]!.GetValue<string>());
        Assert.True(failed["SenderFault"]!.GetValue<bool>());
        Assert.Equal(1, (await _turns.GetCountsAsync()).Visible);
    }

    [Theory]
    [InlineData(11, "TooManyEntriesInBatchRequest")]
    [InlineData(0, "EmptyBatchRequest")]
    public async Task SendMessageBatch_WrongEntryCount_IsRefusedWhole(int count, string errorCode)
    {
        var entries = new JsonArray(
            [.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["Id"] = $"e{i}", ["MessageBody"] = "x" })]);
        var input = new JsonObject { ["QueueUrl"] = TurnsUrl, ["Entries"] = entries };

        var error = await Assert.ThrowsAsync<AwsJsonException>(() => _api.InvokeAsync("SendMessageBatch", input, CancellationToken.None));

        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(0, (await _turns.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task SendMessageBatch_RepeatedId_IsBatchEntryIdsNotDistinct()
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(() => InvokeAsync("SendMessageBatch", $$"""
            {"QueueUrl":"{{TurnsUrl}}","Entries":[{"Id":"a","MessageBody":"1"},{"Id":"a","MessageBody":"2"}]}
            """));

        Assert.Equal("BatchEntryIdsNotDistinct", error.ErrorCode);
    }

    [Fact]
    public async Task SendMessageBatch_OverOneMebibyteInTotal_IsBatchRequestTooLong()
    {
        var body = new string('x', 600 * 1024);
        var input = new JsonObject
        {
            ["QueueUrl"] = TurnsUrl,
            ["Entries"] = new JsonArray(
                new JsonObject { ["Id"] = "a", ["MessageBody"] = body }, new JsonObject { ["Id"] = "b", ["MessageBody"] = body }),
        };

        var error = await Assert.ThrowsAsync<AwsJsonException>(() => _api.InvokeAsync("SendMessageBatch", input, CancellationToken.None));

        Assert.Equal("BatchRequestTooLong", error.ErrorCode);
        Assert.Equal(0, (await _turns.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task ReceiveMessage_AskedForAttributes_ReturnsOnlyThoseWithTheirDigest()
    {
        await InvokeAsync("SendMessage", $$"""
            {"QueueUrl":"{{TurnsUrl}}","MessageBody":"hello",
             "MessageAttributes":{"a":{"DataType":"String","StringValue":"x"},"other":{"DataType":"Number","StringValue":"1"} } }
            """);

        var message = Assert.Single((JsonArray)(await InvokeAsync("ReceiveMessage", $$"""
            {"QueueUrl":"{{TurnsUrl}}","MessageAttributeNames":["a"],"MessageSystemAttributeNames":["ApproximateReceiveCount"]}
            """))["Messages"]!)!;

        Assert.Equal("hello", message["Body"]!.GetValue<string>());
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", message["MD5OfBody"]!.GetValue<string>());
        Assert.Equal(["a"], ((JsonObject)message["MessageAttributes"]!).Select(pair => pair.Key));
        Assert.Equal("1", message["Attributes"]!["ApproximateReceiveCount"]!.GetValue<string>());
        Assert.Single((JsonObject)message["Attributes"]!);
        var alone = new Dictionary<string, Conduit.Aws.Lambda.SqsMessageAttribute>
        {
            ["a"] = new() { DataType = "String", StringValue = "x" },
        };
        Assert.Equal(SqsDigests.OfAttributes(alone), message["MD5OfMessageAttributes"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReceiveMessage_WaitingOnAnEmptyQueue_ReturnsTheMessageSentMeanwhile()
    {
        var receiving = InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","WaitTimeSeconds":20}""");
        Assert.False(receiving.IsCompleted);

        await InvokeAsync("SendMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","MessageBody":"late"}""");

        var message = Assert.Single((JsonArray)(await receiving.WaitAsync(Patience))["Messages"]!)!;
        Assert.Equal("late", message["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReceiveMessage_WaitingOnAnEmptyQueue_ReturnsNothingOnceTheWaitHasPassed()
    {
        var receiving = InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","WaitTimeSeconds":20}""");

        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Empty((JsonArray)(await receiving.WaitAsync(Patience))["Messages"]!);
    }

    [Fact]
    public async Task ReceiveMessage_WaitingOnTheDeadLetterQueue_WakesWhenTheTurnsQueueDeadLettersAMessage()
    {
        await _turns.SendAsync("poison");
        var receiving = InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{DeadLetterUrl}}","WaitTimeSeconds":20}""");
        for (var receive = 0; receive < _options.MaxReceiveCount; receive++)
        {
            Assert.Single(await _turns.ReceiveAsync(1, TimeSpan.Zero, CancellationToken.None));
        }

        Assert.Empty(await _turns.ReceiveAsync(1));

        var message = Assert.Single((JsonArray)(await receiving.WaitAsync(Patience))["Messages"]!)!;
        Assert.Equal("poison", message["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteMessage_StaleHandleAfterANewReceive_SucceedsAndKeepsTheMessage()
    {
        await _turns.SendAsync("kept");
        var stale = await ReceiveOneHandleAsync("""{"VisibilityTimeout":0}""");
        var current = await ReceiveOneHandleAsync("{}");

        await InvokeAsync("DeleteMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"{{stale}}"}""");

        Assert.NotEqual(stale, current);
        Assert.Equal(1, (await _turns.GetCountsAsync()).InFlight);
        await InvokeAsync("DeleteMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"{{current}}"}""");
        Assert.Equal(new QueueCounts(0, 0, 0), await _turns.GetCountsAsync());
    }

    [Fact]
    public async Task DeleteMessage_NotAHandle_IsReceiptHandleIsInvalid()
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(
            () => InvokeAsync("DeleteMessage", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"garbage"}"""));

        Assert.Equal("ReceiptHandleIsInvalid", error.ErrorCode);
    }

    [Fact]
    public async Task DeleteMessageBatch_MixedHandles_ReportsEachEntry()
    {
        await _turns.SendAsync("one");
        var handle = await ReceiveOneHandleAsync("{}");

        var result = await InvokeAsync("DeleteMessageBatch", $$"""
            {"QueueUrl":"{{TurnsUrl}}","Entries":[{"Id":"ok","ReceiptHandle":"{{handle}}"},{"Id":"bad","ReceiptHandle":"nope"}]}
            """);

        Assert.Equal("ok", Assert.Single((JsonArray)result["Successful"]!)!["Id"]!.GetValue<string>());
        Assert.Equal("ReceiptHandleIsInvalid", Assert.Single((JsonArray)result["Failed"]!)!["Code"]!.GetValue<string>());
        Assert.Equal(new QueueCounts(0, 0, 0), await _turns.GetCountsAsync());
    }

    [Fact]
    public async Task ChangeMessageVisibility_ToZero_MakesTheMessageVisibleAgain()
    {
        await _turns.SendAsync("again");
        var handle = await ReceiveOneHandleAsync("{}");

        await InvokeAsync(
            "ChangeMessageVisibility", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"{{handle}}","VisibilityTimeout":0}""");

        Assert.Equal(1, (await _turns.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task ChangeMessageVisibility_MessageNoLongerInFlight_IsMessageNotInflight()
    {
        await _turns.SendAsync("back");
        var handle = await ReceiveOneHandleAsync("""{"VisibilityTimeout":5}""");
        _time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<AwsJsonException>(() => InvokeAsync(
            "ChangeMessageVisibility", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"{{handle}}","VisibilityTimeout":60}"""));

        Assert.Equal("MessageNotInflight", error.ErrorCode);
    }

    [Fact]
    public async Task ChangeMessageVisibility_StaleHandle_IsInvalidParameterValue()
    {
        await _turns.SendAsync("moved on");
        var stale = await ReceiveOneHandleAsync("""{"VisibilityTimeout":0}""");
        await ReceiveOneHandleAsync("{}");

        var error = await Assert.ThrowsAsync<AwsJsonException>(() => InvokeAsync(
            "ChangeMessageVisibility", $$"""{"QueueUrl":"{{TurnsUrl}}","ReceiptHandle":"{{stale}}","VisibilityTimeout":60}"""));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
    }

    [Fact]
    public async Task PurgeQueue_WithVisibleAndInFlightMessages_EmptiesOnlyThatQueue()
    {
        await _turns.SendAsync("a");
        await _turns.SendAsync("b");
        await _turns.ReceiveAsync(1);
        var other = (await InvokeAsync("CreateQueue", """{"QueueName":"other"}"""))["QueueUrl"]!.GetValue<string>();
        await InvokeAsync("SendMessage", $$"""{"QueueUrl":"{{other}}","MessageBody":"stays"}""");

        await InvokeAsync("PurgeQueue", $$"""{"QueueUrl":"{{TurnsUrl}}"}""");

        Assert.Equal(new QueueCounts(0, 0, 0), await _turns.GetCountsAsync());
        Assert.Single((JsonArray)(await InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{other}}"}"""))["Messages"]!);
    }

    [Fact]
    public async Task CreateQueue_ThenANewHostOnTheSameData_KeepsTheQueueAndItsMessages()
    {
        var created = await InvokeAsync("CreateQueue", """{"QueueName":"kept","Attributes":{"VisibilityTimeout":"45"}}""");
        var url = created["QueueUrl"]!.GetValue<string>();
        await InvokeAsync("SendMessage", $$"""{"QueueUrl":"{{url}}","MessageBody":"durable"}""");

        var restarted = NewApi();
        var attributes = (await restarted.InvokeAsync(
            "GetQueueAttributes", Json($$"""{"QueueUrl":"{{url}}","AttributeNames":["VisibilityTimeout","ApproximateNumberOfMessages"]}"""),
            CancellationToken.None))["Attributes"]!;

        Assert.Equal("http://127.0.0.1:5080/000000000000/kept", url);
        Assert.Equal("45", attributes["VisibilityTimeout"]!.GetValue<string>());
        Assert.Equal("1", attributes["ApproximateNumberOfMessages"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateQueue_SameNameDifferentAttributes_IsQueueNameExists()
    {
        await InvokeAsync("CreateQueue", """{"QueueName":"twice","Attributes":{"VisibilityTimeout":"45"}}""");
        await InvokeAsync("CreateQueue", """{"QueueName":"twice","Attributes":{"VisibilityTimeout":"45"}}""");

        var error = await Assert.ThrowsAsync<AwsJsonException>(
            () => InvokeAsync("CreateQueue", """{"QueueName":"twice","Attributes":{"VisibilityTimeout":"46"}}"""));

        Assert.Equal("QueueNameExists", error.ErrorCode);
        Assert.Equal("QueueAlreadyExists;Sender", error.QueryError);
    }

    [Fact]
    public async Task CreateQueue_WithRedrivePolicy_DeadLettersIntoTheNamedQueue()
    {
        await InvokeAsync("CreateQueue", """{"QueueName":"graveyard"}""");
        var url = (await InvokeAsync("CreateQueue", """
            {"QueueName":"fragile","Attributes":{"RedrivePolicy":
             "{\"deadLetterTargetArn\":\"arn:aws:sqs:local:000000000000:graveyard\",\"maxReceiveCount\":\"1\"}"}}
            """))["QueueUrl"]!.GetValue<string>();
        await InvokeAsync("SendMessage", $$"""{"QueueUrl":"{{url}}","MessageBody":"breaks"}""");

        Assert.Single((JsonArray)(await InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{url}}","VisibilityTimeout":0}"""))["Messages"]!);
        Assert.Empty((JsonArray)(await InvokeAsync("ReceiveMessage", $$"""{"QueueUrl":"{{url}}"}"""))["Messages"]!);

        var dead = (await InvokeAsync("ReceiveMessage", """{"QueueUrl":"http://127.0.0.1:5080/000000000000/graveyard"}"""))["Messages"]!;
        Assert.Equal("breaks", Assert.Single((JsonArray)dead)!["Body"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"QueueName":"bad name"}""", "InvalidParameterValue")]
    [InlineData("""{"QueueName":"q","Attributes":{"VisibilityTimeout":"43201"}}""", "InvalidAttributeValue")]
    [InlineData("""{"QueueName":"q","Attributes":{"Colour":"blue"}}""", "InvalidAttributeName")]
    [InlineData("""{"QueueName":"q.fifo"}""", "UnsupportedOperation")]
    public async Task CreateQueue_BadInput_IsRefusedWithTheServicesCode(string input, string errorCode)
    {
        var error = await Assert.ThrowsAsync<AwsJsonException>(() => InvokeAsync("CreateQueue", input));

        Assert.Equal(errorCode, error.ErrorCode);
        Assert.Equal(2, ((JsonArray)(await InvokeAsync("ListQueues", "{}"))["QueueUrls"]!).Count);
    }

    [Fact]
    public async Task ListQueues_WithMaxResults_PagesByNextToken()
    {
        foreach (var name in new[] { "c-one", "c-two", "c-three" }) await InvokeAsync("CreateQueue", $$"""{"QueueName":"{{name}}"}""");

        var first = await InvokeAsync("ListQueues", """{"QueueNamePrefix":"c-","MaxResults":2}""");
        var token = first["NextToken"]!.GetValue<string>();
        var second = await InvokeAsync("ListQueues", $$"""{"QueueNamePrefix":"c-","MaxResults":2,"NextToken":"{{token}}"}""");

        Assert.Equal(["c-one", "c-three"], Strings(first["QueueUrls"]).Select(url => url.Split('/')[^1]));
        Assert.Equal(["c-two"], Strings(second["QueueUrls"]).Select(url => url.Split('/')[^1]));
        Assert.Null(second["NextToken"]);
    }

    private SqsJsonApi NewApi() =>
        new(new SqsQueueRegistry(_database, _turns, _options, _time), new Uri("http://127.0.0.1:5080/"), _time);

    private async Task<string> ReceiveOneHandleAsync(string extra)
    {
        var input = Json(extra);
        input["QueueUrl"] = TurnsUrl;
        var messages = (JsonArray)(await _api.InvokeAsync("ReceiveMessage", input, CancellationToken.None))["Messages"]!;
        return Assert.Single(messages)!["ReceiptHandle"]!.GetValue<string>();
    }

    private Task<JsonObject> InvokeAsync(string operation, string input) =>
        _api.InvokeAsync(operation, Json(input), CancellationToken.None);

    private static JsonObject Json(string text) => (JsonObject)JsonNode.Parse(text)!;

    private static List<string> Strings(JsonNode? array) => [.. ((JsonArray)array!).Select(item => item!.GetValue<string>())];

    /// <summary>SQS's algorithm spelled out byte by byte for "a" (String "x") then "b" (Binary 01 02 03).</summary>
    private static string ExpectedAttributeDigest()
    {
        byte[] bytes =
        [
            0, 0, 0, 1, (byte)'a', 0, 0, 0, 6, .. "String"u8, 1, 0, 0, 0, 1, (byte)'x',
            0, 0, 0, 1, (byte)'b', 0, 0, 0, 6, .. "Binary"u8, 2, 0, 0, 0, 3, 1, 2, 3,
        ];
        return Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(bytes));
    }
}
