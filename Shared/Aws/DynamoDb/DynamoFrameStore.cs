using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>Persisted frames keyed (sessionId, seq), numbered by the session's <c>lastSeq</c>; they expire with the session.</summary>
public sealed class DynamoFrameStore(IAmazonDynamoDB client, DynamoTableNames names, TimeProvider time) : IFrameStore
{
    /// <summary>
    /// ADD hands each caller its own seq; the conditional put then refuses to overwrite a frame, which could only
    /// happen if the session's counter had been reset under existing frames.
    /// </summary>
    public async Task<AppendedFrame> AppendAsync(
        string sessionId, string requestId, Func<long, string> render, CancellationToken cancellationToken)
    {
        var seq = await client.IncrementAsync(names, sessionId, AttributeNames.LastSeq, cancellationToken).ConfigureAwait(false);
        var frame = new StoredFrame(sessionId, seq.Value, requestId, render(seq.Value));
        var written = await client.PutItemAsync(new PutItemRequest
        {
            TableName = names.Frames,
            Item = new()
            {
                [AttributeNames.SessionId] = StringValue(sessionId),
                [AttributeNames.Seq] = NumberValue(frame.Seq),
                [AttributeNames.RequestId] = StringValue(requestId),
                [AttributeNames.Json] = StringValue(frame.Json),
                [AttributeNames.CreatedAt] = EpochMilliseconds(time.GetUtcNow()),
                [AttributeNames.ExpiresAt] = seq.ExpiresAt,
            },
            ConditionExpression = "attribute_not_exists(#seq)",
            ExpressionAttributeNames = new() { ["#seq"] = AttributeNames.Seq },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return written is not null
            ? new AppendedFrame(frame, seq.Signal)
            : throw new InvalidOperationException(
                $"Frame {frame.Seq} of session {sessionId} already exists; the session's seq counter was reset.");
    }

    public async Task<IReadOnlyList<StoredFrame>> ReadAfterAsync(
        string sessionId, long afterSeq, int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0) return [];
        var items = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Frames,
            KeyConditionExpression = "#sessionId = :sessionId AND #seq > :after",
            ExpressionAttributeNames = new() { ["#sessionId"] = AttributeNames.SessionId, ["#seq"] = AttributeNames.Seq },
            ExpressionAttributeValues = new() { [":sessionId"] = StringValue(sessionId), [":after"] = NumberValue(afterSeq) },
        }, maxCount, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(item => new StoredFrame(
            item.GetString(AttributeNames.SessionId),
            item.GetNumber(AttributeNames.Seq),
            item.GetString(AttributeNames.RequestId),
            item.GetString(AttributeNames.Json)))];
    }
}
