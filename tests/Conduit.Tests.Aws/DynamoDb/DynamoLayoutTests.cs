using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Aws.DynamoDb;
using Conduit.Core.Ports;
using Conduit.Tests.Support;
using Conduit.Tests.Support.Stores;

namespace Conduit.Tests.Aws.DynamoDb;

/// <summary>What only the DynamoDB adapters have: the stored item layout, TTLs, the created tables, and crash recovery.</summary>
[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoLayoutTests(DynaliteServer dynalite) : StoreContract(dynalite)
{
    private async Task<Dictionary<string, AttributeValue>> RawItemAsync(string tableName, Dictionary<string, AttributeValue> key)
    {
        var response = await dynalite.Client.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true }, Cancellation);
        return response.Item is { Count: > 0 } item ? item : throw new Xunit.Sdk.XunitException($"No item in {tableName}.");
    }

    private static Dictionary<string, AttributeValue> TurnItemKey(TurnRecord turn) =>
        Key((AttributeNames.UserId, S(turn.UserId)), (AttributeNames.RequestId, S(turn.RequestId)));

    private static Dictionary<string, AttributeValue> Key(params (string Name, AttributeValue Value)[] parts) =>
        parts.ToDictionary(part => part.Name, part => part.Value);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = $"{value}" };

    [NodeFact]
    public async Task CreatedTables_DescribeAsConduitTablesDefinesThem()
    {
        foreach (var table in ConduitTables.All)
        {
            var described = (await dynalite.Client.DescribeTableAsync(dynalite.Tables.For(table), Cancellation)).Table;

            Assert.Equal(table.KeyAttributes.Select(key => key.Name), described.KeySchema.Select(key => key.AttributeName));
            Assert.Equal(KeyType.HASH, described.KeySchema[0].KeyType);
            Assert.Equal(
                table.AttributeDefinitions.Select(key => (key.Name, key.Type)).Order(),
                described.AttributeDefinitions.Select(definition => (definition.AttributeName, definition.AttributeType.Value)).Order());
            Assert.Equal(
                table.GlobalIndexes.Select(
                    index =>
                        (
                            index.Name, Keys: string.Join(",", index.KeyAttributes.Select(key => key.Name)), index.ProjectionType,
                            NonKey: string.Join(",", index.NonKeyAttributes))),
                (described.GlobalSecondaryIndexes ?? []).Select(index => (index.IndexName, Keys: string.Join(
                    ",", index.KeySchema.Select(key => key.AttributeName)),
                    index.Projection.ProjectionType.Value, NonKey: string.Join(",", index.Projection.NonKeyAttributes ?? []))));
        }
    }

    [NodeFact]
    public async Task SessionItem_ClaimedTurn_StoresTheHoldEndInEpochMilliseconds()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();

        await Stores.Sessions.TryClaimTurnAsync(sessionId, requestId, Start, Start.AddMilliseconds(1_200_250), Cancellation);

        var item = await RawItemAsync(dynalite.Tables.Sessions, Key((AttributeNames.SessionId, S(sessionId))));
        Assert.Equal(requestId, item[AttributeNames.ActiveTurn].S);
        Assert.Equal($"{Start.AddMilliseconds(1_200_250).ToUnixTimeMilliseconds()}", item[AttributeNames.ActiveTurnUntil].N);
    }

    [NodeFact]
    public async Task TurnItem_CancelRequested_IsABooleanFlag()
    {
        var turn = new TurnRecord(NewId(), NewId(), NewId(), "hello", TurnStatus.Running, Start, Start, null) { UserId = NewId() };
        await Stores.Turns.CreateAsync(turn, Cancellation);

        await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation);

        var item = await RawItemAsync(dynalite.Tables.Turns, TurnItemKey(turn));
        Assert.True(item[AttributeNames.CancelRequested].BOOL);
    }

    [NodeFact]
    public async Task MessageItem_WrittenBeforeStatusesExisted_ReadsAsComplete()
    {
        var sessionId = await CreateSessionAsync();
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = dynalite.Tables.Messages,
            Item = Key(
                (AttributeNames.SessionId, S(sessionId)), (AttributeNames.Index, N(1)), (AttributeNames.RequestId, S("r-1")),
                (AttributeNames.Role, S(MessageRoles.Assistant)), (AttributeNames.Text, S("answer")),
                (AttributeNames.CreatedAt, N(Start.ToUnixTimeMilliseconds()))),
        }, Cancellation);

        var message = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, 1, Cancellation));

        Assert.Equal(MessageStatuses.Complete, message.Status);
    }

    [NodeFact]
    public async Task SubscriptionItem_LeasedThenReleased_KeepsTtlAndDropsTheLease()
    {
        var (sessionId, connectionId) = (NewId(), NewId());
        await Stores.Subscriptions.SubscribeAsync(
            sessionId, connectionId, 3, resetCursor: false, Start.AddMilliseconds(7_200_250), Cancellation);
        var key = Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.ConnectionId, S(connectionId)));
        await Stores.Subscriptions.TryLeaseAsync(sessionId, connectionId, "owner-a", Start, Start.AddSeconds(30), Cancellation);

        var leased = await RawItemAsync(dynalite.Tables.Subscriptions, key);
        await Stores.Subscriptions.ReleaseAsync(sessionId, connectionId, "owner-a", 8, Cancellation);
        var released = await RawItemAsync(dynalite.Tables.Subscriptions, key);

        Assert.Equal(
            ("owner-a", $"{Start.AddSeconds(30).ToUnixTimeMilliseconds()}"),
            (leased[AttributeNames.LeaseOwner].S, leased[AttributeNames.LeaseUntil].N));
        Assert.Equal($"{Start.AddSeconds(7_201).ToUnixTimeSeconds()}", released[AttributeNames.ExpiresAt].N);
        Assert.Equal("8", released[AttributeNames.DeliveredSeq].N);
        Assert.False(released.ContainsKey(AttributeNames.LeaseOwner) || released.ContainsKey(AttributeNames.LeaseUntil));
    }

    [NodeFact]
    public async Task SessionItems_FramesAndHistory_ExpireWithTheSession()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        Clock.Advance(TimeSpan.FromHours(1));
        await Stores.Frames.AppendAsync(sessionId, requestId, seq => "{}", Cancellation);
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);

        var session = await RawItemAsync(dynalite.Tables.Sessions, Key((AttributeNames.SessionId, S(sessionId))));
        var frame = await RawItemAsync(dynalite.Tables.Frames, Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.Seq, N(1))));
        var message = await RawItemAsync(
            dynalite.Tables.Messages, Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.Index, N(1))));
        var messageKey = await RawItemAsync(
            dynalite.Tables.MessageKeys,
            Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.MessageKey, S($"user#{requestId}"))));

        var sessionExpiry = $"{(Start + SessionTtl).ToUnixTimeSeconds()}";
        Assert.Equal(sessionExpiry, session[AttributeNames.ExpiresAt].N);
        Assert.Equal($"{Start.ToUnixTimeMilliseconds()}", session[AttributeNames.CreatedAt].N);
        Assert.All([frame, message, messageKey], item => Assert.Equal(sessionExpiry, item[AttributeNames.ExpiresAt].N));
        Assert.Equal($"{Start.AddHours(1).ToUnixTimeMilliseconds()}", frame[AttributeNames.CreatedAt].N);
        Assert.Equal("1", messageKey[AttributeNames.Index].N);
    }

    [NodeFact]
    public async Task TurnItem_ExpiresTtlAfterItWasCreated()
    {
        var turn = new TurnRecord(NewId(), NewId(), NewId(), "hello", TurnStatus.Queued, Start, Start, null) { UserId = NewId() };
        Clock.Advance(TimeSpan.FromSeconds(10));

        await Stores.Turns.CreateAsync(turn, Cancellation);

        var item = await RawItemAsync(dynalite.Tables.Turns, TurnItemKey(turn));
        Assert.Equal($"{(Start + TimeSpan.FromSeconds(10) + SessionTtl).ToUnixTimeSeconds()}", item[AttributeNames.ExpiresAt].N);
        Assert.False(item.ContainsKey(AttributeNames.ErrorCode));
    }

    [NodeFact]
    public async Task ConnectionItem_SubSecondExpiry_RoundsTtlUpToTheNextSecond()
    {
        var connection = new ConnectionRecord(NewId(), Start, null, null, Start.AddMilliseconds(7_200_250));

        await Stores.Connections.AddAsync(connection, Cancellation);

        var item = await RawItemAsync(dynalite.Tables.Connections, Key((AttributeNames.ConnectionId, S(connection.ConnectionId))));
        Assert.Equal($"{Start.AddSeconds(7_201).ToUnixTimeSeconds()}", item[AttributeNames.ExpiresAt].N);
        Assert.Equal(Start.AddSeconds(7_201), (await Stores.Connections.GetAsync(connection.ConnectionId, Cancellation))?.ExpiresAt);
    }

    [NodeFact]
    public async Task HistoryAppendAsync_KeyClaimedByAWorkerThatDied_WritesTheMessageAtTheClaimedIndex()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        await dynalite.Client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = dynalite.Tables.Sessions,
            Key = Key((AttributeNames.SessionId, S(sessionId))),
            UpdateExpression = "ADD lastIndex :one",
            ExpressionAttributeValues = new() { [":one"] = N(1) },
        }, Cancellation);
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = dynalite.Tables.MessageKeys,
            Item = Key(
                (AttributeNames.SessionId, S(sessionId)),
                (AttributeNames.MessageKey, S($"assistant#{requestId}")),
                (AttributeNames.Index, N(1)),
                (AttributeNames.ExpiresAt, N((Start + SessionTtl).ToUnixTimeSeconds()))),
        }, Cancellation);

        var index = await Stores.History.AppendAsync(
            sessionId, requestId, MessageRoles.Assistant, "answer", MessageStatuses.Complete, Cancellation);

        Assert.Equal(1, index);
        var message = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, 10, Cancellation));
        Assert.Equal(new HistoryMessage(sessionId, 1, requestId, MessageRoles.Assistant, "answer", Start), message);
        Assert.Equal(
            2, await Stores.History.AppendAsync(sessionId, NewId(), MessageRoles.User, "next", MessageStatuses.Complete, Cancellation));
    }

    [NodeFact]
    public async Task UserItems_ConnectionTurnAndSession_StoreTheUserAsAString()
    {
        var userId = NewId();
        var connection = new ConnectionRecord(NewId(), Start, null, null, Start.AddHours(2)) { UserId = userId };
        var turn = new TurnRecord(NewId(), NewId(), connection.ConnectionId, "hello", TurnStatus.Queued, Start, Start, null)
        {
            UserId = userId,
        };
        await Stores.Connections.AddAsync(connection, Cancellation);
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Sessions.CreateAsync(turn.SessionId, userId, Cancellation);

        var connectionItem = await RawItemAsync(
            dynalite.Tables.Connections, Key((AttributeNames.ConnectionId, S(connection.ConnectionId))));
        var turnItem = await RawItemAsync(dynalite.Tables.Turns, TurnItemKey(turn));
        var sessionItem = await RawItemAsync(dynalite.Tables.Sessions, Key((AttributeNames.SessionId, S(turn.SessionId))));

        Assert.Equal(
            (userId, userId, userId),
            (connectionItem[AttributeNames.UserId].S, turnItem[AttributeNames.UserId].S, sessionItem[AttributeNames.OwnerId].S));
    }

    [NodeFact]
    public async Task SessionItem_StoredBeforeOwnersExisted_CreateLeavesItWithoutAnOwner()
    {
        var sessionId = NewId();
        await dynalite.Client.PutItemAsync(new PutItemRequest
        {
            TableName = dynalite.Tables.Sessions,
            Item = Key(
                (AttributeNames.SessionId, S(sessionId)), (AttributeNames.CreatedAt, N(Start.ToUnixTimeMilliseconds())),
                (AttributeNames.ExpiresAt, N((Start + SessionTtl).ToUnixTimeSeconds())), (AttributeNames.LastSeq, N(4)),
                (AttributeNames.LastIndex, N(2))),
        }, Cancellation);

        var session = await Stores.Sessions.CreateAsync(sessionId, UserId, Cancellation);

        Assert.Equal(new SessionRecord(sessionId, Start, Start + SessionTtl, 4), session);
        Assert.False(
            (await RawItemAsync(dynalite.Tables.Sessions, Key((AttributeNames.SessionId, S(sessionId))))).ContainsKey(
                AttributeNames.OwnerId));
    }

    [NodeFact]
    public async Task RateLimitItem_TwoTakes_StoresTokensTimeAVersionPerTakeAndExpiresWhenFullAgain()
    {
        var key = NewId();
        var limit = new RateLimit(Burst: 3, PerMinute: 6);
        await Stores.RateLimits.TryTakeAsync(key, limit, Start, Cancellation);
        await Stores.RateLimits.TryTakeAsync(key, limit, Start.AddMilliseconds(2_500), Cancellation);

        var item = await RawItemAsync(dynalite.Tables.RateLimits, Key((AttributeNames.RateLimitKey, S(key))));

        Assert.Equal("1.25", item[AttributeNames.Tokens].N);
        Assert.Equal($"{Start.AddMilliseconds(2_500).ToUnixTimeMilliseconds()}", item[AttributeNames.UpdatedAt].N);
        Assert.Equal("2", item[AttributeNames.Version].N);
        Assert.Equal($"{Start.AddMilliseconds(20_000).ToUnixTimeSeconds()}", item[AttributeNames.ExpiresAt].N);
    }
}
