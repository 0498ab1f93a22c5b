using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>Sessions and their counters: <c>lastSeq</c> numbers frames, <c>lastIndex</c> numbers history messages.</summary>
public sealed class DynamoSessionStore(IAmazonDynamoDB client, DynamoTableNames names, TimeProvider time, TimeSpan ttl) : ISessionStore
{
    /// <summary>
    /// Creates the session with one conditional write; when it exists, the condition fails and the stored session is
    /// read and returned untouched, so concurrent creators all see the winner's record and owner. A session stored
    /// before owners existed keeps having none, as in SQLite: the owner is never set on an existing session. The
    /// loop repeats only if TTL deleted the session between the failed write and the read.
    /// </summary>
    public async Task<SessionRecord> CreateAsync(string sessionId, string ownerId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var now = time.GetUtcNow();
            var created = await client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = names.Sessions,
                Key = Key(AttributeNames.SessionId, sessionId),
                UpdateExpression = "SET #ownerId = :ownerId, #createdAt = :createdAt, #expiresAt = :expiresAt, "
                    + "#lastSeq = :zero, #lastIndex = :zero",
                ConditionExpression = "attribute_not_exists(#sessionId)",
                ExpressionAttributeNames = new()
                {
                    ["#sessionId"] = AttributeNames.SessionId,
                    ["#ownerId"] = AttributeNames.OwnerId,
                    ["#createdAt"] = AttributeNames.CreatedAt,
                    ["#expiresAt"] = AttributeNames.ExpiresAt,
                    ["#lastSeq"] = AttributeNames.LastSeq,
                    ["#lastIndex"] = AttributeNames.LastIndex,
                },
                ExpressionAttributeValues = new()
                {
                    [":ownerId"] = StringValue(ownerId),
                    [":createdAt"] = EpochMilliseconds(now),
                    [":expiresAt"] = TimeToLive(now + ttl),
                    [":zero"] = NumberValue(0),
                },
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
            if (created is not null) return Map(created.Attributes);
            if (await GetAsync(sessionId, cancellationToken).ConfigureAwait(false) is { } existing) return existing;
        }
    }

    public async Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var item = await client.ReadItemAsync(names.Sessions, Key(AttributeNames.SessionId, sessionId), cancellationToken)
            .ConfigureAwait(false);
        return item is null ? null : Map(item);
    }

    /// <summary>
    /// The condition is the whole claim: DynamoDB evaluates it and writes atomically, so of two turns claiming a
    /// free session exactly one succeeds. <c>attribute_exists</c> keeps a claim from creating a session fragment.
    /// </summary>
    public async Task<bool> TryClaimTurnAsync(
        string sessionId, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var claimed = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Sessions,
            Key = Key(AttributeNames.SessionId, sessionId),
            UpdateExpression = "SET #activeTurn = :turn, #activeTurnUntil = :until",
            ConditionExpression = "attribute_exists(#sessionId) "
                + "AND (attribute_not_exists(#activeTurn) OR #activeTurn = :turn OR #activeTurnUntil < :now)",
            ExpressionAttributeNames = new()
            {
                ["#sessionId"] = AttributeNames.SessionId,
                ["#activeTurn"] = AttributeNames.ActiveTurn,
                ["#activeTurnUntil"] = AttributeNames.ActiveTurnUntil,
            },
            ExpressionAttributeValues = new()
            {
                [":turn"] = StringValue(holder),
                [":until"] = EpochMilliseconds(until),
                [":now"] = EpochMilliseconds(now),
            },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return claimed is not null;
    }

    public async Task SignalAsync(string sessionId, CancellationToken cancellationToken) =>
        await client.SignalAsync(names, sessionId, cancellationToken).ConfigureAwait(false);

    /// <summary>Conditional on the holder, so a turn whose hold lapsed and was taken over cannot free its successor.</summary>
    public async Task ReleaseTurnAsync(string sessionId, string holder, CancellationToken cancellationToken) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Sessions,
            Key = Key(AttributeNames.SessionId, sessionId),
            UpdateExpression = "REMOVE #activeTurn, #activeTurnUntil",
            ConditionExpression = "#activeTurn = :turn",
            ExpressionAttributeNames = new()
            {
                ["#activeTurn"] = AttributeNames.ActiveTurn,
                ["#activeTurnUntil"] = AttributeNames.ActiveTurnUntil,
            },
            ExpressionAttributeValues = new() { [":turn"] = StringValue(holder) },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);

    private static SessionRecord Map(Dictionary<string, AttributeValue> item) => new(
        item.GetString(AttributeNames.SessionId),
        item.GetEpochMilliseconds(AttributeNames.CreatedAt),
        item.GetTimeToLive(AttributeNames.ExpiresAt),
        item.GetNumber(AttributeNames.LastSeq))
    {
        OwnerId = item.GetNullableString(AttributeNames.OwnerId),
        ActiveTurn = item.GetNullableString(AttributeNames.ActiveTurn),
        ActiveTurnUntil = item.GetNullableEpochMilliseconds(AttributeNames.ActiveTurnUntil),
        Signal = item.ContainsKey(AttributeNames.Signal) ? item.GetNumber(AttributeNames.Signal) : 0,
    };
}

/// <summary>A number taken from one of a session's counters, with the session's TTL for the item it will key.</summary>
internal sealed record SessionCounterValue(long Value, AttributeValue ExpiresAt, long Signal);

internal static class SessionCounters
{
    /// <summary>
    /// Adds one to <paramref name="counter"/> and returns the new value. ADD is atomic, so concurrent callers get
    /// distinct numbers; the condition keeps ADD from creating a session that does not exist.
    /// </summary>
    public static async Task<SessionCounterValue> IncrementAsync(
        this IAmazonDynamoDB client, DynamoTableNames names, string sessionId, string counter, CancellationToken cancellationToken)
    {
        var response = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Sessions,
            Key = Key(AttributeNames.SessionId, sessionId),
            UpdateExpression = "ADD #counter :one",
            ConditionExpression = "attribute_exists(#sessionId)",
            ExpressionAttributeNames = new() { ["#counter"] = counter, ["#sessionId"] = AttributeNames.SessionId },
            ExpressionAttributeValues = new() { [":one"] = NumberValue(1) },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
        var session = response.Attributes;
        var signal = session.ContainsKey(AttributeNames.Signal) ? session.GetNumber(AttributeNames.Signal) : 0;
        return new SessionCounterValue(session.GetNumber(counter), session[AttributeNames.ExpiresAt], signal);
    }

    /// <summary>ADD one to the session's signal; the condition keeps it from creating a session that does not exist.</summary>
    public static async Task SignalAsync(
        this IAmazonDynamoDB client, DynamoTableNames names, string sessionId, CancellationToken cancellationToken) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Sessions,
            Key = Key(AttributeNames.SessionId, sessionId),
            UpdateExpression = "ADD #signal :one",
            ConditionExpression = "attribute_exists(#sessionId)",
            ExpressionAttributeNames = new() { ["#signal"] = AttributeNames.Signal, ["#sessionId"] = AttributeNames.SessionId },
            ExpressionAttributeValues = new() { [":one"] = NumberValue(1) },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
}
