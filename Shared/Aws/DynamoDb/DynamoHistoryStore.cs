using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>
/// Chat history: one item per message keyed (sessionId, index), plus one message-key item per
/// (sessionId, role, requestId) recording the index that message was given. Items expire with their session.
/// </summary>
public sealed class DynamoHistoryStore(IAmazonDynamoDB client, DynamoTableNames names, TimeProvider time) : IHistoryStore
{
    /// <summary>
    /// The message key is the commit point. A caller that finds it writes (or finds) the message at the recorded
    /// index and returns that index; otherwise it takes the next index from the session, claims the key for that
    /// index with a conditional put, and only then writes the message. A worker that died after the claim is
    /// healed by its retry; a caller that loses the claim to a concurrent twin returns the twin's index, and the
    /// index it took is never used (see docs/storage.md).
    /// </summary>
    public async Task<long> AppendAsync(
        string sessionId, string requestId, string role, string text, string status, CancellationToken cancellationToken)
    {
        var messageKey = new Dictionary<string, AttributeValue>
        {
            [AttributeNames.SessionId] = StringValue(sessionId),
            [AttributeNames.MessageKey] = StringValue($"{role}#{requestId}"),
        };
        while (true)
        {
            if (await client.ReadItemAsync(names.MessageKeys, messageKey, cancellationToken).ConfigureAwait(false) is { } claimed)
            {
                var claimedIndex = claimed.GetNumber(AttributeNames.Index);
                await TryPutMessageAsync(
                    sessionId, claimedIndex, requestId, role, text, status, claimed[AttributeNames.ExpiresAt], cancellationToken)
                    .ConfigureAwait(false);
                return claimedIndex;
            }

            var next = await client.IncrementAsync(names, sessionId, AttributeNames.LastIndex, cancellationToken).ConfigureAwait(false);
            var claim = await client.PutItemAsync(new PutItemRequest
            {
                TableName = names.MessageKeys,
                Item = new(messageKey) { [AttributeNames.Index] = NumberValue(next.Value), [AttributeNames.ExpiresAt] = next.ExpiresAt },
                ConditionExpression = "attribute_not_exists(#messageKey)",
                ExpressionAttributeNames = new() { ["#messageKey"] = AttributeNames.MessageKey },
            }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
            if (claim is null) continue;

            if (!await TryPutMessageAsync(sessionId, next.Value, requestId, role, text, status, next.ExpiresAt, cancellationToken)
                    .ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    $"History index {next.Value} of session {sessionId} is taken; the session's index counter was reset.");
            }
            return next.Value;
        }
    }

    public async Task<IReadOnlyList<HistoryMessage>> ReadLatestAsync(
        string sessionId, long lastIndex, int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0) return [];
        var newestFirst = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Messages,
            KeyConditionExpression = "#sessionId = :sessionId AND #index <= :last",
            ExpressionAttributeNames = new() { ["#sessionId"] = AttributeNames.SessionId, ["#index"] = AttributeNames.Index },
            ExpressionAttributeValues = new() { [":sessionId"] = StringValue(sessionId), [":last"] = NumberValue(lastIndex) },
            ScanIndexForward = false,
        }, maxCount, cancellationToken).ConfigureAwait(false);
        return [.. newestFirst.Select(Map).Reverse()];
    }

    public async Task<IReadOnlyList<HistoryMessage>> ReadRangeAsync(
        string sessionId, long firstIndex, long lastIndex, CancellationToken cancellationToken)
    {
        // DynamoDB rejects BETWEEN with its bounds reversed instead of matching nothing.
        if (firstIndex > lastIndex) return [];
        var items = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Messages,
            KeyConditionExpression = "#sessionId = :sessionId AND #index BETWEEN :first AND :last",
            ExpressionAttributeNames = new() { ["#sessionId"] = AttributeNames.SessionId, ["#index"] = AttributeNames.Index },
            ExpressionAttributeValues = new()
            {
                [":sessionId"] = StringValue(sessionId),
                [":first"] = NumberValue(firstIndex),
                [":last"] = NumberValue(lastIndex),
            },
        }, maxCount: null, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(Map)];
    }

    /// <summary>
    /// Writes the message only into an empty index, so a retry that finds its message already written changes
    /// nothing; false when the index was filled.
    /// </summary>
    private async Task<bool> TryPutMessageAsync(
        string sessionId,
        long index,
        string requestId,
        string role,
        string text,
        string status,
        AttributeValue expiresAt,
        CancellationToken cancellationToken)
    {
        var written = await client.PutItemAsync(new PutItemRequest
        {
            TableName = names.Messages,
            Item = new()
            {
                [AttributeNames.SessionId] = StringValue(sessionId),
                [AttributeNames.Index] = NumberValue(index),
                [AttributeNames.RequestId] = StringValue(requestId),
                [AttributeNames.Role] = StringValue(role),
                [AttributeNames.Text] = StringValue(text),
                [AttributeNames.Status] = StringValue(status),
                [AttributeNames.CreatedAt] = EpochMilliseconds(time.GetUtcNow()),
                [AttributeNames.ExpiresAt] = expiresAt,
            },
            ConditionExpression = "attribute_not_exists(#index)",
            ExpressionAttributeNames = new() { ["#index"] = AttributeNames.Index },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return written is not null;
    }

    /// <summary>Messages stored before answers could be cancelled have no status; they were all complete.</summary>
    private static HistoryMessage Map(Dictionary<string, AttributeValue> item) => new(
        item.GetString(AttributeNames.SessionId),
        item.GetNumber(AttributeNames.Index),
        item.GetString(AttributeNames.RequestId),
        item.GetString(AttributeNames.Role),
        item.GetString(AttributeNames.Text),
        item.GetEpochMilliseconds(AttributeNames.CreatedAt))
    {
        Status = item.GetNullableString(AttributeNames.Status) ?? MessageStatuses.Complete,
    };
}
