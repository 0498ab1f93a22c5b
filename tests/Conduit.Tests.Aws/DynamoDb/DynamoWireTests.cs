using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Conduit.Aws.DynamoDb;
using Conduit.Core.Ports;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.DynamoDb;

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
        Assert.Matches(
            @"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/us-east-1/dynamodb/aws4_request, ", request.Header("Authorization"));
        return JsonDocument.Parse(request.Body).RootElement.Clone();
    }

    private static string? Text(JsonElement element, params string[] path) =>
        path.Aggregate(element, (current, name) => current.GetProperty(name)).GetString();

    [Fact]
    public async Task FrameAppendAsync_ExistingSession_AddsToLastSeqThenPutsTheFrameOnlyIfAbsent()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                200, """{"Attributes":{"sessionId":{"S":"s-1"},"lastSeq":{"N":"7"},"expiresAt":{"N":"1740916800"},"signal":{"N":"3"}}}"""),
            ScriptedResponse.AwsJson(200, "{}"));
        var store = new DynamoFrameStore(_client, Tables, new FixedClock(Now));

        var frame = await store.AppendAsync("s-1", "r-1", seq => $"{{\"seq\":{seq}}}", _timeout.Token);

        Assert.Equal(new AppendedFrame(new StoredFrame("s-1", 7, "r-1", """{"seq":7}"""), SessionSignal: 3), frame);
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
                {"Item":{"userId":{"S":"u-1"},"requestId":{"S":"r-1"},"sessionId":{"S":"s-1"},"connectionId":{"S":"c-1"},
                "text":{"S":"first"},
                "status":{"S":"Running"},"createdAt":{"N":"1740830400000"},"updatedAt":{"N":"1740830401000"},
                "expiresAt":{"N":"1740916800"}}}
                """));
        var store = new DynamoTurnStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var (created, turn) = await store.CreateAsync(
            new TurnRecord("r-1", "s-2", "c-2", "second", TurnStatus.Queued, Now, Now, null) { UserId = "u-1" }, _timeout.Token);

        Assert.False(created);
        Assert.Equal(
            new TurnRecord("r-1", "s-1", "c-1", "first", TurnStatus.Running, Now, Now.AddSeconds(1), null) { UserId = "u-1" }, turn);
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

    [Fact]
    public async Task TurnListWaitingAsync_IndexStillShowsAFinishedTurn_ConfirmsEachCandidateAndLeavesItOut()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                200,
                $$"""{"Items":[{{IndexedTurn("r-new", 1740830402000, "Queued")}},{{IndexedTurn("r-old", 1740830401000, "Waiting")}}]}"""),
            ScriptedResponse.AwsJson(200, $$"""{"Item":{{Turn("r-old", 1740830401000, "Completed")}}}"""),
            ScriptedResponse.AwsJson(200, $$"""{"Item":{{Turn("r-new", 1740830402000, "Queued")}}}"""));
        var store = new DynamoTurnStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var waiting = await store.ListWaitingAsync("s-1", 1, _timeout.Token);

        Assert.Equal(["r-new"], waiting.Select(turn => turn.RequestId));
        var query = AssertDynamoRequest(_server.Requests[0], "Query");
        Assert.Equal("conduit-prod-turns", Text(query, "TableName"));
        Assert.Equal("bySession", Text(query, "IndexName"));
        Assert.Equal("#sessionId = :sessionId", Text(query, "KeyConditionExpression"));
        Assert.Equal("#status IN (:queued, :waiting)", Text(query, "FilterExpression"));
        Assert.False(query.TryGetProperty("ConsistentRead", out var consistent) && consistent.GetBoolean());
        var firstRead = AssertDynamoRequest(_server.Requests[1], "GetItem");
        Assert.Equal(("u-1", "r-old"), (Text(firstRead, "Key", "userId", "S"), Text(firstRead, "Key", "requestId", "S")));
        Assert.True(firstRead.GetProperty("ConsistentRead").GetBoolean());
        Assert.Equal("r-new", Text(AssertDynamoRequest(_server.Requests[2], "GetItem"), "Key", "requestId", "S"));
    }

    [Fact]
    public async Task TurnRequestCancelAsync_ConditionFails_ReturnsFalse()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400, ConditionFailed));
        var store = new DynamoTurnStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var flagged = await store.RequestCancelAsync(new TurnKey("u-1", "r-1"), _timeout.Token);

        Assert.False(flagged);
        var update = AssertDynamoRequest(Assert.Single(_server.Requests), "UpdateItem");
        Assert.Equal("SET #cancelRequested = :true, #updatedAt = :now", Text(update, "UpdateExpression"));
        Assert.Equal(
            "attribute_exists(#requestId) AND NOT (#status IN (:completed, :failed, :cancelled))", Text(update, "ConditionExpression"));
        Assert.True(update.GetProperty("ExpressionAttributeValues").GetProperty(":true").GetProperty("BOOL").GetBoolean());
        Assert.Equal("Completed", Text(update, "ExpressionAttributeValues", ":completed", "S"));
    }

    [Fact]
    public async Task SessionTryClaimTurnAsync_HeldByAnotherTurn_SendsTheClaimConditionAndReturnsFalse()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400, ConditionFailed));
        var store = new DynamoSessionStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var claimed = await store.TryClaimTurnAsync("s-1", "r-2", Now, Now.AddMinutes(20), _timeout.Token);

        Assert.False(claimed);
        var update = AssertDynamoRequest(Assert.Single(_server.Requests), "UpdateItem");
        Assert.Equal("conduit-prod-sessions", Text(update, "TableName"));
        Assert.Equal("SET #activeTurn = :turn, #activeTurnUntil = :until", Text(update, "UpdateExpression"));
        Assert.Equal(
            "attribute_exists(#sessionId) AND (attribute_not_exists(#activeTurn) OR #activeTurn = :turn OR #activeTurnUntil < :now)",
            Text(update, "ConditionExpression"));
        Assert.Equal($"{Now.ToUnixTimeMilliseconds()}", Text(update, "ExpressionAttributeValues", ":now", "N"));
        Assert.Equal($"{Now.AddMinutes(20).ToUnixTimeMilliseconds()}", Text(update, "ExpressionAttributeValues", ":until", "N"));
    }

    [Fact]
    public async Task SubscriptionTryLeaseAsync_Free_TakesItConditionallyAndReadsTheCursorFromTheWrite()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """
            {"Attributes":{"sessionId":{"S":"s-1"},"connectionId":{"S":"c-1"},"deliveredSeq":{"N":"12"},"expiresAt":{"N":"1740837600"},
            "leaseOwner":{"S":"w-1"},"leaseUntil":{"N":"1740830430000"}}}
            """));
        var store = new DynamoSubscriptionStore(_client, Tables);

        var leased = await store.TryLeaseAsync("s-1", "c-1", "w-1", Now, Now.AddSeconds(30), _timeout.Token);

        Assert.Equal(new Subscription("s-1", "c-1", 12, Now.AddHours(2)), leased);
        var update = AssertDynamoRequest(Assert.Single(_server.Requests), "UpdateItem");
        Assert.Equal("conduit-prod-subscriptions", Text(update, "TableName"));
        Assert.Equal(("s-1", "c-1"), (Text(update, "Key", "sessionId", "S"), Text(update, "Key", "connectionId", "S")));
        Assert.Equal(
            "attribute_exists(#connectionId) AND (attribute_not_exists(#leaseOwner) OR #leaseOwner = :owner OR #leaseUntil < :now)",
            Text(update, "ConditionExpression"));
        Assert.Equal("ALL_NEW", Text(update, "ReturnValues"));
    }

    [Fact]
    public async Task SubscriptionTryLeaseAsync_HeldByAnother_ReturnsNull()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400, ConditionFailed));
        var store = new DynamoSubscriptionStore(_client, Tables);

        Assert.Null(await store.TryLeaseAsync("s-1", "c-1", "w-2", Now, Now.AddSeconds(30), _timeout.Token));
    }

    [Fact]
    public async Task SubscriptionRemoveConnectionAsync_TwoSessions_QueriesTheIndexThenDeletesEach()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(200, """
                {"Items":[{"sessionId":{"S":"s-1"},"connectionId":{"S":"c/1"}},{"sessionId":{"S":"s-2"},"connectionId":{"S":"c/1"}}]}
                """),
            ScriptedResponse.AwsJson(200, "{}"),
            ScriptedResponse.AwsJson(200, "{}"));
        var store = new DynamoSubscriptionStore(_client, Tables);

        await store.RemoveConnectionAsync("c/1", _timeout.Token);

        var query = AssertDynamoRequest(_server.Requests[0], "Query");
        Assert.Equal("byConnection", Text(query, "IndexName"));
        Assert.Equal("c/1", Text(query, "ExpressionAttributeValues", ":connectionId", "S"));
        Assert.False(query.TryGetProperty("ConsistentRead", out var consistent) && consistent.GetBoolean());
        var deleted = _server.Requests.Skip(1).Select(request => AssertDynamoRequest(request, "DeleteItem"))
            .Select(delete => (Text(delete, "TableName"), Text(delete, "Key", "sessionId", "S"), Text(delete, "Key", "connectionId", "S")));
        Assert.Equal([("conduit-prod-subscriptions", "s-1", "c/1"), ("conduit-prod-subscriptions", "s-2", "c/1")], deleted);
    }

    [Fact]
    public async Task SessionCreateAsync_SessionExists_WritesOnlyIfAbsentThenReadsTheStoredOneConsistently()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(400, ConditionFailed),
            ScriptedResponse.AwsJson(200, """
                {"Item":{"sessionId":{"S":"s-1"},"ownerId":{"S":"u-1"},"createdAt":{"N":"1740830400000"},"expiresAt":{"N":"1740916800"},
                "lastSeq":{"N":"3"},"lastIndex":{"N":"2"}}}
                """));
        var store = new DynamoSessionStore(_client, Tables, new FixedClock(Now.AddMinutes(5)), TimeSpan.FromHours(24));

        var session = await store.CreateAsync("s-1", "u-2", _timeout.Token);

        Assert.Equal(new SessionRecord("s-1", Now, Now.AddHours(24), 3) { OwnerId = "u-1" }, session);
        var update = AssertDynamoRequest(_server.Requests[0], "UpdateItem");
        Assert.Equal("conduit-prod-sessions", Text(update, "TableName"));
        Assert.Equal("attribute_not_exists(#sessionId)", Text(update, "ConditionExpression"));
        Assert.Equal(
            "SET #ownerId = :ownerId, #createdAt = :createdAt, #expiresAt = :expiresAt, #lastSeq = :zero, #lastIndex = :zero",
            Text(update, "UpdateExpression"));
        Assert.Equal("u-2", Text(update, "ExpressionAttributeValues", ":ownerId", "S"));
        Assert.Equal("ALL_NEW", Text(update, "ReturnValues"));
        var get = AssertDynamoRequest(_server.Requests[1], "GetItem");
        Assert.Equal("s-1", Text(get, "Key", "sessionId", "S"));
        Assert.True(get.GetProperty("ConsistentRead").GetBoolean());
    }

    [Fact]
    public async Task ConnectionCountForUserAsync_TwoPages_CountsUnexpiredThroughTheIndexAndSumsThePages()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(200, """{"Count":2,"ScannedCount":2,"LastEvaluatedKey":{"connectionId":{"S":"c-2"}"""
                + ""","userId":{"S":"u/1"},"expiresAt":{"N":"1740837600"}}}"""),
            ScriptedResponse.AwsJson(200, """{"Count":1,"ScannedCount":1}"""));
        var store = new DynamoConnectionStore(_client, Tables);

        var count = await store.CountForUserAsync("u/1", Now.AddMilliseconds(999), _timeout.Token);

        Assert.Equal(3, count);
        var first = AssertDynamoRequest(_server.Requests[0], "Query");
        Assert.Equal("conduit-prod-connections", Text(first, "TableName"));
        Assert.Equal("byUser", Text(first, "IndexName"));
        Assert.Equal("COUNT", Text(first, "Select"));
        Assert.Equal("#userId = :userId AND #expiresAt > :now", Text(first, "KeyConditionExpression"));
        Assert.Equal("u/1", Text(first, "ExpressionAttributeValues", ":userId", "S"));
        Assert.Equal($"{Now.ToUnixTimeSeconds()}", Text(first, "ExpressionAttributeValues", ":now", "N"));
        Assert.False(first.TryGetProperty("ConsistentRead", out var consistent) && consistent.GetBoolean());
        var second = AssertDynamoRequest(_server.Requests[1], "Query");
        Assert.Equal("c-2", Text(second, "ExclusiveStartKey", "connectionId", "S"));
    }

    [Fact]
    public async Task TurnCountInFlightForUserAsync_IndexStillShowsAFinishedTurn_ConfirmsEachCandidateAndCountsOnlyTheLive()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                200,
                $$"""{"Items":[{{IndexedTurn("r-done", 1740830401000, "Running")}},{{IndexedTurn("r-live", 1740830402000, "Queued")}}]}"""),
            ScriptedResponse.AwsJson(200, $$"""{"Item":{{Turn("r-done", 1740830401000, "Completed")}}}"""),
            ScriptedResponse.AwsJson(200, $$"""{"Item":{{Turn("r-live", 1740830402000, "Queued")}}}"""));
        var store = new DynamoTurnStore(_client, Tables, new FixedClock(Now), TimeSpan.FromHours(24));

        var count = await store.CountInFlightForUserAsync("u-1", _timeout.Token);

        Assert.Equal(1, count);
        var query = AssertDynamoRequest(_server.Requests[0], "Query");
        Assert.Equal("conduit-prod-turns", Text(query, "TableName"));
        Assert.Equal("byUser", Text(query, "IndexName"));
        Assert.Equal("#userId = :userId", Text(query, "KeyConditionExpression"));
        Assert.Equal("#status IN (:queued, :waiting, :dispatched, :running)", Text(query, "FilterExpression"));
        Assert.False(query.TryGetProperty("ConsistentRead", out var consistent) && consistent.GetBoolean());
        var reads = _server.Requests.Skip(1).Select(request => AssertDynamoRequest(request, "GetItem")).ToList();
        Assert.Equal(["r-done", "r-live"], reads.Select(read => Text(read, "Key", "requestId", "S")));
        Assert.All(reads, read => Assert.True(read.GetProperty("ConsistentRead").GetBoolean()));
    }

    [Fact]
    public async Task RateLimitTryTakeAsync_NewKey_CreatesTheBucketOnlyIfStillAbsent()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, "{}"), ScriptedResponse.AwsJson(200, "{}"));
        var store = new DynamoRateLimitStore(_client, Tables);

        var decision = await store.TryTakeAsync("user:u-1", new RateLimit(3, 6), Now, _timeout.Token);

        Assert.Equal(new RateLimitDecision(true, TimeSpan.Zero), decision);
        var get = AssertDynamoRequest(_server.Requests[0], "GetItem");
        Assert.Equal("conduit-prod-rate-limits", Text(get, "TableName"));
        Assert.Equal("user:u-1", Text(get, "Key", "key", "S"));
        Assert.True(get.GetProperty("ConsistentRead").GetBoolean());
        var update = AssertDynamoRequest(_server.Requests[1], "UpdateItem");
        Assert.Equal("conduit-prod-rate-limits", Text(update, "TableName"));
        Assert.Equal(
            "SET #tokens = :tokens, #updatedAt = :updatedAt, #version = :next, #expiresAt = :expiresAt", Text(update, "UpdateExpression"));
        Assert.Equal("attribute_not_exists(#key)", Text(update, "ConditionExpression"));
        Assert.Equal("key", Text(update, "ExpressionAttributeNames", "#key"));
        Assert.Equal(
            ("2", "1"),
            (Text(update, "ExpressionAttributeValues", ":tokens", "N"), Text(update, "ExpressionAttributeValues", ":next", "N")));
        Assert.Equal($"{Now.ToUnixTimeMilliseconds()}", Text(update, "ExpressionAttributeValues", ":updatedAt", "N"));
        Assert.Equal($"{Now.AddSeconds(10).ToUnixTimeSeconds()}", Text(update, "ExpressionAttributeValues", ":expiresAt", "N"));
        Assert.False(update.GetProperty("ExpressionAttributeValues").TryGetProperty(":version", out _));
    }

    [Fact]
    public async Task RateLimitTryTakeAsync_AnotherTakeWroteFirst_ReadsAgainAndWritesOnTheNewVersion()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(200, Bucket("2", version: 4)),
            ScriptedResponse.AwsJson(400, ConditionFailed),
            ScriptedResponse.AwsJson(200, Bucket("1", version: 5)),
            ScriptedResponse.AwsJson(200, "{}"));
        var store = new DynamoRateLimitStore(_client, Tables);

        var decision = await store.TryTakeAsync("user:u-1", new RateLimit(3, 6), Now, _timeout.Token);

        Assert.True(decision.Allowed);
        Assert.Equal(
            ["GetItem", "UpdateItem", "GetItem", "UpdateItem"],
            _server.Requests.Select(request => request.Header("X-Amz-Target")!.Split('.')[1]));
        var first = AssertDynamoRequest(_server.Requests[1], "UpdateItem");
        var second = AssertDynamoRequest(_server.Requests[3], "UpdateItem");
        Assert.Equal("#version = :version", Text(first, "ConditionExpression"));
        Assert.False(first.GetProperty("ExpressionAttributeNames").TryGetProperty("#key", out _));
        Assert.Equal(
            ("4", "5", "1"),
            (
                Text(first, "ExpressionAttributeValues", ":version", "N"), Text(first, "ExpressionAttributeValues", ":next", "N"),
                Text(first, "ExpressionAttributeValues", ":tokens", "N")));
        Assert.Equal(
            ("5", "6", "0"),
            (
                Text(second, "ExpressionAttributeValues", ":version", "N"), Text(second, "ExpressionAttributeValues", ":next", "N"),
                Text(second, "ExpressionAttributeValues", ":tokens", "N")));
    }

    [Fact]
    public async Task RateLimitTryTakeAsync_EveryWriteLosesARace_RefusesForOneTokenAfterEightAttempts()
    {
        for (var attempt = 0; attempt < 8; attempt++)
            _server.Enqueue(ScriptedResponse.AwsJson(200, Bucket("3", version: attempt)), ScriptedResponse.AwsJson(400, ConditionFailed));
        var store = new DynamoRateLimitStore(_client, Tables);

        var decision = await store.TryTakeAsync("user:u-1", new RateLimit(3, 6), Now, _timeout.Token);

        Assert.Equal(new RateLimitDecision(false, TimeSpan.FromSeconds(10)), decision);
        Assert.Equal(16, _server.Requests.Count);
    }

    [Fact]
    public async Task RateLimitTryTakeAsync_EmptyBucket_RefusesWithoutWriting()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Bucket("0.25", version: 9)));
        var store = new DynamoRateLimitStore(_client, Tables);

        var decision = await store.TryTakeAsync("user:u-1", new RateLimit(3, 6), Now, _timeout.Token);

        Assert.Equal(new RateLimitDecision(false, TimeSpan.FromMilliseconds(7_500)), decision);
        AssertDynamoRequest(Assert.Single(_server.Requests), "GetItem");
    }

    private static string Bucket(string tokens, long version) =>
        $$$$"""{"Item":{"key":{"S":"user:u-1"},"tokens":{"N":"{{{{tokens}}}}"},"updatedAt":{"N":"{{{{Now.ToUnixTimeMilliseconds()}}}}"}"""
        + $$$$""","version":{"N":"{{{{version}}}}"},"expiresAt":{"N":"1740830430"}}}""";

    private static string IndexedTurn(string requestId, long createdAt, string status) =>
        $$$"""{"userId":{"S":"u-1"},"requestId":{"S":"{{{requestId}}}"},"sessionId":{"S":"s-1"},"createdAt":{"N":"{{{createdAt}}}"}"""
        + $$$""","status":{"S":"{{{status}}}"}}""";

    private static string Turn(string requestId, long createdAt, string status) =>
        $$$"""{"userId":{"S":"u-1"},"requestId":{"S":"{{{requestId}}}"},"sessionId":{"S":"s-1"},"connectionId":{"S":"c-1"}"""
        + $$$""","text":{"S":"hi"}"""
        + $$$""","status":{"S":"{{{status}}}"},"createdAt":{"N":"{{{createdAt}}}"},"updatedAt":{"N":"{{{createdAt}}}"}"""
        + $$$""","expiresAt":{"N":"1740916800"}}""";

    /// <summary>A Query page holding one message and saying more may follow.</summary>
    private static string Page(long index) =>
        $$$"""{"Items":[{{{Message(index)}}}],"LastEvaluatedKey":{"sessionId":{"S":"s-1"},"index":{"N":"{{{index}}}"}} }""";

    private static string Message(long index) =>
        $$$"""{"sessionId":{"S":"s-1"},"index":{"N":"{{{index}}}"},"requestId":{"S":"r-{{{index}}}"},"role":{"S":"user"},"text":{"S":"m"}"""
        + $$$""","createdAt":{"N":"1740830400000"}}""";

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
