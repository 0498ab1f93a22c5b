using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>The connection registry. API Gateway owns connection ids, so a repeated $connect simply overwrites.</summary>
public sealed class DynamoConnectionStore(IAmazonDynamoDB client, DynamoTableNames names) : IConnectionStore
{
    public async Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [AttributeNames.ConnectionId] = StringValue(connection.ConnectionId),
            [AttributeNames.ConnectedAt] = EpochMilliseconds(connection.ConnectedAt),
            [AttributeNames.ExpiresAt] = TimeToLive(connection.ExpiresAt),
        };
        if (connection.SourceIp is { } sourceIp) item[AttributeNames.SourceIp] = StringValue(sourceIp);
        if (connection.UserAgent is { } userAgent) item[AttributeNames.UserAgent] = StringValue(userAgent);
        if (connection.UserId is { } userId) item[AttributeNames.UserId] = StringValue(userId);
        await client.PutItemAsync(new PutItemRequest { TableName = names.Connections, Item = item }, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        var item = await client.ReadItemAsync(names.Connections, Key(AttributeNames.ConnectionId, connectionId), cancellationToken)
            .ConfigureAwait(false);
        return item is null
            ? null
            : new ConnectionRecord(
                item.GetString(AttributeNames.ConnectionId),
                item.GetEpochMilliseconds(AttributeNames.ConnectedAt),
                item.GetNullableString(AttributeNames.SourceIp),
                item.GetNullableString(AttributeNames.UserAgent),
                item.GetTimeToLive(AttributeNames.ExpiresAt))
            {
                UserId = item.GetNullableString(AttributeNames.UserId),
            };
    }

    public async Task RemoveAsync(string connectionId, CancellationToken cancellationToken) =>
        await client.DeleteItemAsync(
            new DeleteItemRequest { TableName = names.Connections, Key = Key(AttributeNames.ConnectionId, connectionId) },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Counts through the index without reading the connections: the stored expiry is whole seconds, so "after
    /// <paramref name="now"/>" is "after its whole second". The index lags writes by a moment, so a connection just
    /// opened or closed can be miscounted briefly; see docs/storage.md for why a connection cap accepts that.
    /// </summary>
    public Task<int> CountForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        client.CountAllAsync(UnexpiredForUser(userId, now), cancellationToken);

    /// <summary>The same index read as <see cref="CountForUserAsync"/>, returning the keys; it serves the cap's liveness check.</summary>
    public async Task<IReadOnlyList<string>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var items = await client.QueryAllAsync(UnexpiredForUser(userId, now), maxCount: null, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(item => item.GetString(AttributeNames.ConnectionId)).Order(StringComparer.Ordinal)];
    }

    private QueryRequest UnexpiredForUser(string userId, DateTimeOffset now) => new()
    {
        TableName = names.Connections,
        IndexName = ConduitTables.ConnectionsByUser.Name,
        KeyConditionExpression = "#userId = :userId AND #expiresAt > :now",
        ExpressionAttributeNames = new() { ["#userId"] = AttributeNames.UserId, ["#expiresAt"] = AttributeNames.ExpiresAt },
        ExpressionAttributeValues = new() { [":userId"] = StringValue(userId), [":now"] = NumberValue(now.ToUnixTimeSeconds()) },
    };
}
