using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Shared.Aws.DynamoDb;
using Conduit.Shared.Ports;

namespace Conduit.Tests.Unit.Stores;

/// <summary>What only the DynamoDB adapters have: the stored item layout, TTLs, the created tables, and crash recovery.</summary>
[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoLayoutTests(DynaliteServer dynalite) : StoreContract(dynalite)
{
    private async Task<Dictionary<string, AttributeValue>> RawItemAsync(string tableName, Dictionary<string, AttributeValue> key)
    {
        var response = await dynalite.Client.GetItemAsync(new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true }, Cancellation);
        return response.Item is { Count: > 0 } item ? item : throw new Xunit.Sdk.XunitException($"No item in {tableName}.");
    }

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
                table.KeyAttributes.Select(key => (key.Name, key.Type)).Order(),
                described.AttributeDefinitions.Select(definition => (definition.AttributeName, definition.AttributeType.Value)).Order());
        }
    }

    [NodeFact]
    public async Task SessionItems_FramesAndHistory_ExpireWithTheSession()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        Clock.Advance(TimeSpan.FromHours(1));
        await Stores.Frames.AppendAsync(sessionId, requestId, seq => "{}", Cancellation);
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.User, "question", Cancellation);

        var session = await RawItemAsync(dynalite.Tables.Sessions, Key((AttributeNames.SessionId, S(sessionId))));
        var frame = await RawItemAsync(dynalite.Tables.Frames, Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.Seq, N(1))));
        var message = await RawItemAsync(dynalite.Tables.Messages, Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.Index, N(1))));
        var messageKey = await RawItemAsync(dynalite.Tables.MessageKeys, Key((AttributeNames.SessionId, S(sessionId)), (AttributeNames.MessageKey, S($"user#{requestId}"))));

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
        var turn = new TurnRecord(NewId(), NewId(), NewId(), "hello", TurnStatus.Queued, Start, Start, null);
        Clock.Advance(TimeSpan.FromSeconds(10));

        await Stores.Turns.CreateAsync(turn, Cancellation);

        var item = await RawItemAsync(dynalite.Tables.Turns, Key((AttributeNames.RequestId, S(turn.RequestId))));
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

        var index = await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.Assistant, "answer", Cancellation);

        Assert.Equal(1, index);
        var message = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, 10, Cancellation));
        Assert.Equal(new HistoryMessage(sessionId, 1, requestId, MessageRoles.Assistant, "answer", Start), message);
        Assert.Equal(2, await Stores.History.AppendAsync(sessionId, NewId(), MessageRoles.User, "next", Cancellation));
    }
}
