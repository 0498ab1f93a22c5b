using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>
/// Subscriptions keyed (sessionId, connectionId): the cursor <c>deliveredSeq</c>, the delivery lease
/// <c>leaseOwner</c>/<c>leaseUntil</c>, and the TTL <c>expiresAt</c>. Every lease change is a conditional write, so
/// the condition, not a read before it, decides who delivers.
/// </summary>
public sealed class DynamoSubscriptionStore(IAmazonDynamoDB client, DynamoTableNames names) : ISubscriptionStore
{
    /// <summary>
    /// An upsert in one UpdateItem. Without a reset the cursor is only set where none exists, so a repeated subscribe
    /// cannot move a live subscription's cursor back; the lease is never touched, so a holder keeps delivering.
    /// ALL_OLD tells a new subscription from a renewed one, so only a new one or a reset signals the session: renewing
    /// the sender's subscription with every message costs no second write.
    /// </summary>
    public async Task SubscribeAsync(
        string sessionId,
        string connectionId,
        long deliveredSeq,
        bool resetCursor,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        var previous = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Subscriptions,
            Key = SubscriptionKey(sessionId, connectionId),
            UpdateExpression = resetCursor
                ? "SET #deliveredSeq = :seq, #expiresAt = :expiresAt"
                : "SET #deliveredSeq = if_not_exists(#deliveredSeq, :seq), #expiresAt = :expiresAt",
            ExpressionAttributeNames = new() { ["#deliveredSeq"] = AttributeNames.DeliveredSeq, ["#expiresAt"] = AttributeNames.ExpiresAt },
            ExpressionAttributeValues = new() { [":seq"] = NumberValue(deliveredSeq), [":expiresAt"] = TimeToLive(expiresAt) },
            ReturnValues = ReturnValue.ALL_OLD,
        }, cancellationToken).ConfigureAwait(false);
        if (resetCursor || previous.Attributes is not { Count: > 0 })
            await client.SignalAsync(names, sessionId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken)
    {
        var items = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Subscriptions,
            KeyConditionExpression = "#sessionId = :sessionId",
            ExpressionAttributeNames = new() { ["#sessionId"] = AttributeNames.SessionId },
            ExpressionAttributeValues = new() { [":sessionId"] = StringValue(sessionId) },
        }, maxCount: null, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(Map)];
    }

    /// <summary>
    /// Check and take in one conditional UpdateItem, so of racing deliverers exactly one gets the lease; ALL_NEW
    /// hands the winner the cursor as of its take, with no second read a release could slip in front of. The
    /// holder itself may take it again, to extend it.
    /// </summary>
    public async Task<Subscription?> TryLeaseAsync(
        string sessionId, string connectionId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var leased = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Subscriptions,
            Key = SubscriptionKey(sessionId, connectionId),
            UpdateExpression = "SET #leaseOwner = :owner, #leaseUntil = :until",
            ConditionExpression = "attribute_exists(#connectionId) "
                + "AND (attribute_not_exists(#leaseOwner) OR #leaseOwner = :owner OR #leaseUntil < :now)",
            ExpressionAttributeNames = new()
            {
                ["#connectionId"] = AttributeNames.ConnectionId,
                ["#leaseOwner"] = AttributeNames.LeaseOwner,
                ["#leaseUntil"] = AttributeNames.LeaseUntil,
            },
            ExpressionAttributeValues = new()
            {
                [":owner"] = StringValue(owner),
                [":until"] = EpochMilliseconds(until),
                [":now"] = EpochMilliseconds(now),
            },
            ReturnValues = ReturnValue.ALL_NEW,
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return leased is null ? null : Map(leased.Attributes);
    }

    /// <summary>The cursor check and the lease check are the condition of the one write that moves the cursor.</summary>
    public async Task<bool> TryAdvanceAsync(
        string sessionId, string connectionId, long fromSeq, long toSeq, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var advanced = await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Subscriptions,
            Key = SubscriptionKey(sessionId, connectionId),
            UpdateExpression = "SET #deliveredSeq = :to",
            ConditionExpression = "#deliveredSeq = :from AND (attribute_not_exists(#leaseOwner) OR #leaseUntil < :now)",
            ExpressionAttributeNames = new()
            {
                ["#deliveredSeq"] = AttributeNames.DeliveredSeq,
                ["#leaseOwner"] = AttributeNames.LeaseOwner,
                ["#leaseUntil"] = AttributeNames.LeaseUntil,
            },
            ExpressionAttributeValues = new()
            {
                [":from"] = NumberValue(fromSeq),
                [":to"] = NumberValue(toSeq),
                [":now"] = EpochMilliseconds(now),
            },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);
        return advanced is not null;
    }

    /// <summary>
    /// Conditional on the owner: a holder whose lease lapsed and was taken over must not move the new holder's
    /// cursor or free its lease.
    /// </summary>
    public async Task ReleaseAsync(
        string sessionId, string connectionId, string owner, long deliveredSeq, CancellationToken cancellationToken) =>
        await client.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = names.Subscriptions,
            Key = SubscriptionKey(sessionId, connectionId),
            UpdateExpression = "SET #deliveredSeq = :seq REMOVE #leaseOwner, #leaseUntil",
            ConditionExpression = "#leaseOwner = :owner",
            ExpressionAttributeNames = new()
            {
                ["#deliveredSeq"] = AttributeNames.DeliveredSeq,
                ["#leaseOwner"] = AttributeNames.LeaseOwner,
                ["#leaseUntil"] = AttributeNames.LeaseUntil,
            },
            ExpressionAttributeValues = new() { [":seq"] = NumberValue(deliveredSeq), [":owner"] = StringValue(owner) },
        }, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false);

    public async Task RemoveAsync(string sessionId, string connectionId, CancellationToken cancellationToken) =>
        await client.DeleteItemAsync(
            new DeleteItemRequest { TableName = names.Subscriptions, Key = SubscriptionKey(sessionId, connectionId) },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Finds the connection's subscriptions through the index, which is eventually consistent: one made a moment
    /// before the connection closed can be missed, and is then left to its TTL (delivery to the gone connection
    /// fails and removes it too).
    /// </summary>
    public async Task RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken)
    {
        var keys = await client.QueryAllAsync(new QueryRequest
        {
            TableName = names.Subscriptions,
            IndexName = ConduitTables.SubscriptionsByConnection.Name,
            KeyConditionExpression = "#connectionId = :connectionId",
            ExpressionAttributeNames = new() { ["#connectionId"] = AttributeNames.ConnectionId },
            ExpressionAttributeValues = new() { [":connectionId"] = StringValue(connectionId) },
        }, maxCount: null, cancellationToken).ConfigureAwait(false);
        foreach (var key in keys)
            await RemoveAsync(key.GetString(AttributeNames.SessionId), connectionId, cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, AttributeValue> SubscriptionKey(string sessionId, string connectionId) => new()
    {
        [AttributeNames.SessionId] = StringValue(sessionId),
        [AttributeNames.ConnectionId] = StringValue(connectionId),
    };

    private static Subscription Map(Dictionary<string, AttributeValue> item) => new(
        item.GetString(AttributeNames.SessionId),
        item.GetString(AttributeNames.ConnectionId),
        item.GetNumber(AttributeNames.DeliveredSeq),
        item.GetTimeToLive(AttributeNames.ExpiresAt));
}
