using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Conduit.Shared.Aws.DynamoDb;
using Conduit.Shared.Ports;
using Conduit.Tests.Unit.Aws;

namespace Conduit.Tests.Unit.Stores;

/// <summary>The DynamoDB requests the adapters send, as they reach the wire, and how they read scripted answers.</summary>
public sealed class DynamoWireTests : IAsyncLifetime
{
    private const string ConditionFailed =
        """{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}""";

    private static readonly DynamoTableNames Tables = DynamoTableNames.WithPrefix("conduit-prod");
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private RecordingAwsServer _server = null!;
    private AmazonDynamoDBClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            new AmazonDynamoDBConfig { ServiceURL = _server.Url.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        _timeout.Dispose();
    }

    private static JsonElement AssertDynamoRequest(RecordedRequest request, string operation)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal($"DynamoDB_20120810.{operation}", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.0", request.Header("Content-Type"));
        Assert.Matches(@"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/us-east-1/dynamodb/aws4_request, ", request.Header("Authorization"));
        return JsonDocument.Parse(request.Body).RootElement.Clone();
    }

    private static string? Text(JsonElement element, params string[] path) =>
        path.Aggregate(element, (current, name) => current.GetProperty(name)).GetString();

    [Fact]
    public async Task FrameAppendAsync_ExistingSession_AddsToLastSeqThenPutsTheFrameOnlyIfAbsent()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(200, """{"Attributes":{"sessionId":{"S":"s-1"},"lastSeq":{"N":"7"},"expiresAt":{"N":"1740916800"}}}"""),
            ScriptedResponse.AwsJson(200, "{}"));
        var store = new DynamoFrameStore(_client, Tables, new FixedClock(Now));

        var frame = await store.AppendAsync("s-1", "r-1", seq => $"{{\"seq\":{seq}}}", _timeout.Token);

        Assert.Equal(new StoredFrame("s-1", 7, "r-1", """{"seq":7}"""), frame);
        var update = AssertDynamoRequest(_server.Requests[0], "UpdateItem");
        Assert.Equal("conduit-prod-sessions", Text(update, "TableName"));
        Assert.Equal("s-1", Text(update, "Key", "sessionId", "S"));
        Assert.Equal("ADD #counter :one", Text(update, "UpdateExpression"));
        Assert.Equal("lastSeq", Text(update, "ExpressionAttributeNames", "#counter"));
        Assert.Equal("attribute_exists(#sessionId)", Text(update, "ConditionExpression"));
        Assert.Equal("ALL_NEW", Text(update, "ReturnValues"));
        var put = AssertDynamoRequest(_server.Requests[1], "PutItem");
        Assert.Equal("conduit-prod-frames", Text(put, "TableName"));
        Assert.Equal("7", Text(put, "Item", "seq", "N"));
        Assert.Equal("1740916800", Text(put, "Item", "expiresAt", "N"));
        Assert.Equal($"{Now.ToUnixTimeMilliseconds()}", Text(put, "Item", "createdAt", "N"));
        Assert.Equal("attribute_not_exists(#seq)", Text(put, "ConditionExpression"));
    }

    [Fact]
    public async Task FrameAppendAsync_SessionConditionFails_ThrowsNamingTheSessionAndPutsNothing()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400, ConditionFailed));
        var store = new DynamoFrameStore(_client, Tables, new FixedClock(Now));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AppendAsync("gone", "r-1", _ => "{}", _timeout.Token));

        Assert.Equal("Session gone does not exist.", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task TurnCreateAsync_RequestIdTaken_ReadsTheExistingTurnConsistently()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(400, ConditionFailed),
            ScriptedResponse.AwsJson(200, """
                {"Item":{"requestId":{"S":"r-1"},"sessionId":{"S":"s-1"},"connectionId":{"S":"c-1"},"text":{"S":"first"},
                "status":{"S":"Running"},"createdAt":{"N":"1740830400000"},"updatedAt":{"N":"1740830401000"},"expiresAt":{"N":"1740916800"}}}
                """));
        var store = new DynamoTurnStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var (created, turn) = await store.CreateAsync(new TurnRecord("r-1", "s-2", "c-2", "second", TurnStatus.Queued, Now, Now, null), _timeout.Token);

        Assert.False(created);
        Assert.Equal(new TurnRecord("r-1", "s-1", "c-1", "first", TurnStatus.Running, Now, Now.AddSeconds(1), null), turn);
        var put = AssertDynamoRequest(_server.Requests[0], "PutItem");
        Assert.Equal("attribute_not_exists(#requestId)", Text(put, "ConditionExpression"));
        Assert.Equal($"{(Now + TimeSpan.FromHours(24)).ToUnixTimeSeconds()}", Text(put, "Item", "expiresAt", "N"));
        var get = AssertDynamoRequest(_server.Requests[1], "GetItem");
        Assert.Equal("conduit-prod-turns", Text(get, "TableName"));
        Assert.True(get.GetProperty("ConsistentRead").GetBoolean());
    }

    [Fact]
    public async Task HistoryReadLatestAsync_ManyPages_FollowsLastEvaluatedKeyUntilMaxAndReturnsOldestFirst()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Page(9)), ScriptedResponse.AwsJson(200, Page(8)));
        var store = new DynamoHistoryStore(_client, Tables, new FixedClock(Now));

        var messages = await store.ReadLatestAsync("s-1", 9, 2, _timeout.Token);

        Assert.Equal([8, 9], messages.Select(message => message.Index));
        Assert.Equal(2, _server.Requests.Count);
        var first = AssertDynamoRequest(_server.Requests[0], "Query");
        Assert.Equal("#sessionId = :sessionId AND #index <= :last", Text(first, "KeyConditionExpression"));
        Assert.False(first.GetProperty("ScanIndexForward").GetBoolean());
        Assert.Equal(2, first.GetProperty("Limit").GetInt32());
        var second = AssertDynamoRequest(_server.Requests[1], "Query");
        Assert.Equal(1, second.GetProperty("Limit").GetInt32());
        Assert.Equal("9", Text(second, "ExclusiveStartKey", "index", "N"));
    }

    /// <summary>A Query page holding one message and saying more may follow.</summary>
    private static string Page(long index) =>
        $$$"""{"Items":[{{{Message(index)}}}],"LastEvaluatedKey":{"sessionId":{"S":"s-1"},"index":{"N":"{{{index}}}"}} }""";

    private static string Message(long index) =>
        $$$"""{"sessionId":{"S":"s-1"},"index":{"N":"{{{index}}}"},"requestId":{"S":"r-{{{index}}}"},"role":{"S":"user"},"text":{"S":"m"},"createdAt":{"N":"1740830400000"}}""";

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
