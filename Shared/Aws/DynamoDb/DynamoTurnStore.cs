using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>
/// Turns by (userId, requestId). Every write is conditional, so a retried or racing writer never clobbers a turn.
/// </summary>
public sealed class DynamoTurnStore(IAmazonDynamoDB client, DynamoTableNames names, TimeProvider time, TimeSpan ttl) : ITurnStore
{
    public async Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            [AttributeNames.UserId] = StringValue(turn.UserId),
            [AttributeNames.RequestId] = StringValue(turn.RequestId),
            [AttributeNames.SessionId] = StringValue(turn.SessionId),
            [AttributeNames.ConnectionId] = StringValue(turn.ConnectionId),
            [AttributeNames.Text] = StringValue(turn.Text),
            [AttributeNames.Status] = StringValue(turn.Status.ToString()),
            [AttributeNames.CreatedAt] = EpochMilliseconds(turn.CreatedAt),
            [AttributeNames.UpdatedAt] = EpochMilliseconds(turn.UpdatedAt),
            [AttributeNames.Attempt] = NumberValue(turn.Attempt),
            [AttributeNames.ExpiresAt] = TimeToLive(time.GetUtcNow() + ttl),
        };
        if (turn.ErrorCode is { } errorCode) item[AttributeNames.ErrorCode] = StringValue(errorCode);

        // A failed condition means the user's requestId is taken; the loop only repeats if TTL deleted that turn in between.
        while (true)
        {
            var put = await client.PutItemAsync(new PutItemRequest
            {
                TableName = names.Turns,
                Item = item,
                ConditionExpression = "attribute_not_exists(#requestId)",
                ExpressionAttributeNames = new() { ["#requestId"] = AttributeNames.RequestId },
            }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
            if (put is not null) return (true, turn);
            if (await GetAsync(turn.Key, cancellationToken).ConfigureAwait(false) is { } existing) return (false, existing);
        }
    }

    public async Task<TurnRecord?> GetAsync(TurnKey key, CancellationToken cancellationToken)
    {
        var item = await client.ReadItemAsync(names.Turns, ItemKey(key), cancellationToken)
            .ConfigureAwait(false);
        return item is null ? null : Map(item);
    }

    /// <summary>A projection of the one attribute: a turn item holds the message text, up to 64 KB of it.</summary>
    public async Task<bool> IsCancelRequestedAsync(TurnKey key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            ConsistentRead = true,
            ProjectionExpression = "#cancelRequested",
            ExpressionAttributeNames = new() { ["#cancelRequested"] = AttributeNames.CancelRequested },
        }, cancellationToken).ConfigureAwait(false);
        return response.Item.OrNullWhenEmpty() is { } item && item.GetFlag(AttributeNames.CancelRequested);
    }

    /// <summary>A missing turn fails the condition too, so this never creates a partial item.</summary>
    public async Task<bool> TransitionAsync(TurnKey key, TurnStatus from, TurnStatus to, CancellationToken cancellationToken)
    {
        var updated = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            UpdateExpression = "SET #status = :to, #updatedAt = :now",
            ConditionExpression = "#status = :from",
            ExpressionAttributeNames = new() { ["#status"] = AttributeNames.Status, ["#updatedAt"] = AttributeNames.UpdatedAt },
            ExpressionAttributeValues = new()
            {
                [":from"] = StringValue(from.ToString()),
                [":to"] = StringValue(to.ToString()),
                [":now"] = EpochMilliseconds(time.GetUtcNow()),
            },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return updated is not null;
    }

    /// <summary>One conditional write; a missing turn fails the condition, so nothing is created.</summary>
    public async Task<bool> ClaimRunAsync(TurnKey key, string runId, CancellationToken cancellationToken)
    {
        var updated = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            UpdateExpression = "SET #status = :running, #runId = :run, #updatedAt = :now",
            ConditionExpression = "#status = :dispatched OR (#status = :running AND #runId = :run)",
            ExpressionAttributeNames = new()
            {
                ["#status"] = AttributeNames.Status, ["#runId"] = AttributeNames.RunId, ["#updatedAt"] = AttributeNames.UpdatedAt,
            },
            ExpressionAttributeValues = new()
            {
                [":dispatched"] = StringValue(nameof(TurnStatus.Dispatched)),
                [":running"] = StringValue(nameof(TurnStatus.Running)),
                [":run"] = StringValue(runId),
                [":now"] = EpochMilliseconds(time.GetUtcNow()),
            },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return updated is not null;
    }

    /// <summary>Like an SQL UPDATE, a missing turn is left missing: UpdateItem alone would create a fragment of one.</summary>
    public async Task SetStatusAsync(TurnKey key, TurnStatus status, string? errorCode, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            UpdateExpression = errorCode is null
                ? "SET #status = :status, #updatedAt = :now REMOVE #errorCode"
                : "SET #status = :status, #updatedAt = :now, #errorCode = :errorCode",
            ConditionExpression = "attribute_exists(#requestId)",
            ExpressionAttributeNames = new()
            {
                ["#requestId"] = AttributeNames.RequestId,
                ["#status"] = AttributeNames.Status,
                ["#updatedAt"] = AttributeNames.UpdatedAt,
                ["#errorCode"] = AttributeNames.ErrorCode,
            },
            ExpressionAttributeValues = new()
            {
                [":status"] = StringValue(status.ToString()),
                [":now"] = EpochMilliseconds(time.GetUtcNow()),
            },
        };
        if (errorCode is not null) request.ExpressionAttributeValues[":errorCode"] = StringValue(errorCode);
        await client.UpdateItemAsync(request, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One conditional write on the status and the attempt, so of two retries of the same failed attempt exactly one
    /// moves the turn on. A turn item written before attempts were counted is at attempt 1.
    /// </summary>
    public async Task<TurnRecord?> RetryAsync(TurnKey key, int failedAttempt, CancellationToken cancellationToken)
    {
        var attemptMatches = failedAttempt == 1 ? "(attribute_not_exists(#attempt) OR #attempt = :attempt)" : "#attempt = :attempt";
        var updated = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            UpdateExpression = "SET #status = :queued, #attempt = :next, #updatedAt = :now REMOVE #errorCode, #cancelRequested",
            ConditionExpression = $"#status = :failed AND {attemptMatches}",
            ExpressionAttributeNames = new()
            {
                ["#status"] = AttributeNames.Status,
                ["#attempt"] = AttributeNames.Attempt,
                ["#updatedAt"] = AttributeNames.UpdatedAt,
                ["#errorCode"] = AttributeNames.ErrorCode,
                ["#cancelRequested"] = AttributeNames.CancelRequested,
            },
            ExpressionAttributeValues = new()
            {
                [":queued"] = StringValue(nameof(TurnStatus.Queued)),
                [":failed"] = StringValue(nameof(TurnStatus.Failed)),
                [":attempt"] = NumberValue(failedAttempt),
                [":next"] = NumberValue(failedAttempt + 1),
                [":now"] = EpochMilliseconds(time.GetUtcNow()),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return updated is null ? null : Map(updated.Attributes);
    }

    /// <summary>
    /// The status check and the flag are one conditional write, so a turn that finishes concurrently is either
    /// flagged while still live or reported finished, never flagged after the fact.
    /// </summary>
    public async Task<bool> RequestCancelAsync(TurnKey key, CancellationToken cancellationToken)
    {
        var flagged = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Turns,
            Key = ItemKey(key),
            UpdateExpression = "SET #cancelRequested = :true, #updatedAt = :now",
            ConditionExpression = "attribute_exists(#requestId) AND NOT (#status IN (:completed, :failed, :cancelled))",
            ExpressionAttributeNames = new()
            {
                ["#requestId"] = AttributeNames.RequestId,
                ["#status"] = AttributeNames.Status,
                ["#cancelRequested"] = AttributeNames.CancelRequested,
                ["#updatedAt"] = AttributeNames.UpdatedAt,
            },
            ExpressionAttributeValues = new()
            {
                [":true"] = FlagValue(true),
                [":now"] = EpochMilliseconds(time.GetUtcNow()),
                [":completed"] = StringValue(nameof(TurnStatus.Completed)),
                [":failed"] = StringValue(nameof(TurnStatus.Failed)),
                [":cancelled"] = StringValue(nameof(TurnStatus.Cancelled)),
            },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return flagged is not null;
    }

    /// <summary>
    /// Finds candidates through the index, then reads each from the table. Index reads are eventually consistent:
    /// a turn that has just moved on can still show Queued there, and handing it out would have the caller queue a
    /// finished turn ahead of a waiting one, so each candidate's status is confirmed by a consistent read, oldest
    /// first, until <paramref name="maxCount"/> are confirmed. A turn created a moment ago can still be missing.
    /// The index leaves equal timestamps in no defined order, so all candidates are fetched and sorted here.
    /// </summary>
    public async Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0) return [];
        var candidates = await QueryByStatusAsync(
            ConduitTables.TurnsBySession, sessionId, [TurnStatus.Queued, TurnStatus.Waiting], cancellationToken).ConfigureAwait(false);

        var waiting = new List<TurnRecord>();
        var oldestFirst = candidates
            .Select(item => (CreatedAt: item.GetNumber(AttributeNames.CreatedAt), Key: KeyOf(item)))
            .OrderBy(candidate => candidate.CreatedAt)
            .ThenBy(candidate => candidate.Key.RequestId, StringComparer.Ordinal);
        foreach (var (_, key) in oldestFirst)
        {
            var turn = await GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (turn is { Status: TurnStatus.Queued or TurnStatus.Waiting })
                waiting.Add(turn);
            if (waiting.Count == maxCount) break;
        }
        return waiting;
    }

    /// <summary>
    /// Finds the user's turns the index shows in flight, then confirms each with a consistent read of the table.
    /// Statuses only move forward, so a stale index errs by still showing a turn in flight that has just finished;
    /// the turn is marked finished before its <c>done</c> or <c>error</c> frame is posted, so a client that sends its
    /// next message on that frame must not be refused for it. A turn created a moment ago can still be missing from
    /// the index, which lets a cap be exceeded by the turns accepted in that moment (see docs/storage.md).
    /// </summary>
    public async Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken)
    {
        var candidates = await QueryByStatusAsync(
            ConduitTables.TurnsByUser, userId, [TurnStatus.Queued, TurnStatus.Waiting, TurnStatus.Dispatched, TurnStatus.Running],
            cancellationToken).ConfigureAwait(false);

        var inFlight = 0;
        foreach (var candidate in candidates)
        {
            var turn = await GetAsync(KeyOf(candidate), cancellationToken).ConfigureAwait(false);
            if (turn is { IsFinished: false })
                inFlight++;
        }
        return inFlight;
    }

    /// <summary>
    /// The turns an index that projects the status shows in one of <paramref name="statuses"/> under one partition
    /// key. Index reads are eventually consistent, so callers confirm what they act on.
    /// </summary>
    private Task<List<Dictionary<string, AttributeValue>>> QueryByStatusAsync(
        SecondaryIndex index, string partitionKey, TurnStatus[] statuses, CancellationToken cancellationToken)
    {
        var key = index.PartitionKey.Name;
        var placeholders = statuses.Select(status => $":{status.ToString().ToLowerInvariant()}").ToList();
        var values = new Dictionary<string, AttributeValue> { [$":{key}"] = StringValue(partitionKey) };
        foreach (var (status, placeholder) in statuses.Zip(placeholders)) values[placeholder] = StringValue(status.ToString());
        return client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Turns,
            IndexName = index.Name,
            KeyConditionExpression = $"#{key} = :{key}",
            FilterExpression = $"#status IN ({string.Join(", ", placeholders)})",
            ExpressionAttributeNames = new() { [$"#{key}"] = key, ["#status"] = AttributeNames.Status },
            ExpressionAttributeValues = values,
        }, maxCount: null, cancellationToken);
    }

    private static Dictionary<string, AttributeValue> ItemKey(TurnKey key) => new()
    {
        [AttributeNames.UserId] = StringValue(key.UserId),
        [AttributeNames.RequestId] = StringValue(key.RequestId),
    };

    /// <summary>The turn's key in an index item: every index projects the table's key.</summary>
    private static TurnKey KeyOf(Dictionary<string, AttributeValue> item) =>
        new(item.GetString(AttributeNames.UserId), item.GetString(AttributeNames.RequestId));

    private static TurnRecord Map(Dictionary<string, AttributeValue> item) => new(
        item.GetString(AttributeNames.RequestId),
        item.GetString(AttributeNames.SessionId),
        item.GetString(AttributeNames.ConnectionId),
        item.GetString(AttributeNames.Text),
        Enum.Parse<TurnStatus>(item.GetString(AttributeNames.Status)),
        item.GetEpochMilliseconds(AttributeNames.CreatedAt),
        item.GetEpochMilliseconds(AttributeNames.UpdatedAt),
        item.GetNullableString(AttributeNames.ErrorCode))
    {
        UserId = item.GetString(AttributeNames.UserId),
        Attempt = item.ContainsKey(AttributeNames.Attempt) ? (int)item.GetNumber(AttributeNames.Attempt) : 1,
        CancelRequested = item.GetFlag(AttributeNames.CancelRequested),
    };
}
