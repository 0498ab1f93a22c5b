using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Shared.Ports;
using static Conduit.Shared.Aws.DynamoDb.DynamoItems;

namespace Conduit.Shared.Aws.DynamoDb;

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
        await client.PutItemAsync(new PutItemRequest { TableName = names.Connections, Item = item }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        var item = await client.ReadItemAsync(names.Connections, Key(AttributeNames.ConnectionId, connectionId), cancellationToken).ConfigureAwait(false);
        return item is null
            ? null
            : new ConnectionRecord(
                item.GetString(AttributeNames.ConnectionId),
                item.GetEpochMilliseconds(AttributeNames.ConnectedAt),
                item.GetNullableString(AttributeNames.SourceIp),
                item.GetNullableString(AttributeNames.UserAgent),
                item.GetTimeToLive(AttributeNames.ExpiresAt));
    }

    public async Task RemoveAsync(string connectionId, CancellationToken cancellationToken) =>
        await client.DeleteItemAsync(
            new DeleteItemRequest { TableName = names.Connections, Key = Key(AttributeNames.ConnectionId, connectionId) },
            cancellationToken).ConfigureAwait(false);
}
