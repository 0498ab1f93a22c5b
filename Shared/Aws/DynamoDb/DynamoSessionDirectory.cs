using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>
/// The conversation list on DynamoDB: the sessions table's <c>byOwner</c> index lists a user's sessions newest first,
/// with their titles projected; a session never renamed takes its title from its first history message.
/// </summary>
public sealed class DynamoSessionDirectory(IAmazonDynamoDB client, DynamoTableNames names, TimeProvider time) : ISessionDirectory
{
    /// <summary>BatchWriteItem's most requests in one call.</summary>
    private const int BatchSize = 25;

    public async Task<SessionSummaryPage> ListAsync(
        string ownerId, SessionCursor? after, int limit, CancellationToken cancellationToken)
    {
        var request = new QueryRequest
        {
            TableName = names.Sessions,
            IndexName = ConduitTables.SessionsByOwner.Name,
            KeyConditionExpression = "#ownerId = :ownerId",
            FilterExpression = "#expiresAt > :now",
            ExpressionAttributeNames = new() { ["#ownerId"] = AttributeNames.OwnerId, ["#expiresAt"] = AttributeNames.ExpiresAt },
            ExpressionAttributeValues = new() { [":ownerId"] = StringValue(ownerId), [":now"] = TimeToLive(time.GetUtcNow()) },
            ScanIndexForward = false,
            ExclusiveStartKey = after is null
                ? null
                : new()
                {
                    [AttributeNames.OwnerId] = StringValue(ownerId),
                    [AttributeNames.CreatedAt] = NumberValue(after.CreatedAtMilliseconds),
                    [AttributeNames.SessionId] = StringValue(after.SessionId),
                },
        };
        var items = await client.QueryAllAsync(request, limit + 1, cancellationToken).ConfigureAwait(false);
        var sessions = new List<SessionSummary>(Math.Min(items.Count, limit));
        foreach (var item in items.Take(limit))
        {
            var sessionId = item.GetString(AttributeNames.SessionId);
            var title = item.GetNullableString(AttributeNames.Title)
                ?? await FirstQuestionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            sessions.Add(new SessionSummary(sessionId, title, item.GetEpochMilliseconds(AttributeNames.CreatedAt)));
        }
        return new SessionSummaryPage(sessions, items.Count > limit ? SessionCursor.After(sessions[^1]) : null);
    }

    public async Task<bool> RenameAsync(string sessionId, string title, CancellationToken cancellationToken)
    {
        var renamed = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Sessions,
            Key = Key(AttributeNames.SessionId, sessionId),
            UpdateExpression = "SET #title = :title",
            ConditionExpression = "attribute_exists(#sessionId)",
            ExpressionAttributeNames = new() { ["#title"] = AttributeNames.Title, ["#sessionId"] = AttributeNames.SessionId },
            ExpressionAttributeValues = new() { [":title"] = StringValue(title) },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return renamed is not null;
    }

    /// <summary>
    /// The session item goes last, so a delete that fails halfway leaves a session its owner still sees and can delete
    /// again, never parts of one nobody can reach.
    /// </summary>
    public async Task DeleteAsync(string sessionId, CancellationToken cancellationToken)
    {
        var turnKeys = await KeysAsync(names.Turns, ConduitTables.TurnsBySession.Name, sessionId, ConduitTables.Turns, cancellationToken)
            .ConfigureAwait(false);
        await DeleteAllAsync(names.Turns, turnKeys, cancellationToken).ConfigureAwait(false);
        foreach (var (table, definition) in (IEnumerable<(string, TableDefinition)>)[
            (names.Messages, ConduitTables.Messages), (names.MessageKeys, ConduitTables.MessageKeys),
            (names.Frames, ConduitTables.Frames), (names.Subscriptions, ConduitTables.Subscriptions)])
        {
            var keys = await KeysAsync(table, null, sessionId, definition, cancellationToken).ConfigureAwait(false);
            await DeleteAllAsync(table, keys, cancellationToken).ConfigureAwait(false);
        }
        await client.DeleteItemAsync(
            new DeleteItemRequest { TableName = names.Sessions, Key = Key(AttributeNames.SessionId, sessionId) },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> FirstQuestionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var first = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Messages,
            KeyConditionExpression = "#sessionId = :sessionId",
            FilterExpression = "#role = :user",
            ExpressionAttributeNames = new()
            {
                ["#sessionId"] = AttributeNames.SessionId, ["#role"] = AttributeNames.Role, ["#text"] = AttributeNames.Text,
            },
            ExpressionAttributeValues = new() { [":sessionId"] = StringValue(sessionId), [":user"] = StringValue(MessageRoles.User) },
            ProjectionExpression = "#text",
        }, 1, cancellationToken).ConfigureAwait(false);
        return first.Count == 0 ? "" : first[0].GetString(AttributeNames.Text);
    }

    /// <summary>The table keys of every item of the session, from the table or from an index keyed by session.</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> KeysAsync(
        string table, string? index, string sessionId, TableDefinition definition, CancellationToken cancellationToken)
    {
        var keyNames = definition.KeyAttributes.Select((k, i) => (Placeholder: $"#k{i}", k.Name)).ToList();
        var attributeNames = keyNames.ToDictionary(k => k.Placeholder, k => k.Name);
        attributeNames["#sessionId"] = AttributeNames.SessionId;
        var items = await client.QueryAllAsync(new QueryRequest
        {
            TableName = table,
            IndexName = index,
            KeyConditionExpression = "#sessionId = :sessionId",
            ProjectionExpression = string.Join(", ", keyNames.Select(k => k.Placeholder)),
            ExpressionAttributeNames = attributeNames,
            ExpressionAttributeValues = new() { [":sessionId"] = StringValue(sessionId) },
        }, null, cancellationToken).ConfigureAwait(false);
        return items;
    }

    /// <summary>Deletes in batches; what DynamoDB leaves unprocessed (throttling) is sent again until none is left.</summary>
    private async Task DeleteAllAsync(string table, List<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(BatchSize))
        {
            var pending = new Dictionary<string, List<WriteRequest>>
            {
                [table] = [.. chunk.Select(key => new WriteRequest { DeleteRequest = new DeleteRequest { Key = key } })],
            };
            while (pending.Count > 0)
            {
                var response = await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken)
                    .ConfigureAwait(false);
                pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
            }
        }
    }
}
