namespace Conduit.Aws.DynamoDb;

/// <summary>
/// The one definition of Conduit's DynamoDB schema: the adapters read their key and index names from it, the tests
/// create their tables from it, and the deployment template must declare the same tables and indexes.
/// </summary>
public static class ConduitTables
{
    public const string BillingMode = "PAY_PER_REQUEST";
    public const string StringType = "S";
    public const string NumberType = "N";

    /// <summary>
    /// A user's connections by expiry, for counting the open ones: the key condition skips the expired ones that TTL
    /// has not deleted yet, and only keys are needed to count. Connections without a user are not indexed.
    /// </summary>
    public static readonly SecondaryIndex ConnectionsByUser = new(
        "byUser", new(AttributeNames.UserId, StringType), new(AttributeNames.ExpiresAt, NumberType), []);

    public static readonly TableDefinition Connections = new(
        "connections", new(AttributeNames.ConnectionId, StringType), null, AttributeNames.ExpiresAt)
    {
        GlobalIndexes = [ConnectionsByUser],
    };

    /// <summary>
    /// A user's sessions by creation time, for the conversation list: the title and the expiry are projected, so a page
    /// of the list is one query (expired sessions that TTL has not deleted yet are filtered out).
    /// </summary>
    public static readonly SecondaryIndex SessionsByOwner = new(
        "byOwner", new(AttributeNames.OwnerId, StringType), new(AttributeNames.CreatedAt, NumberType),
        [AttributeNames.Title, AttributeNames.ExpiresAt]);

    public static readonly TableDefinition Sessions = new(
        "sessions", new(AttributeNames.SessionId, StringType), null, AttributeNames.ExpiresAt)
    {
        GlobalIndexes = [SessionsByOwner],
    };

    /// <summary>
    /// A session's turns in creation order, for finding the ones still waiting: the status is projected to filter on,
    /// and the turns that pass are read from the table, where reads can be consistent.
    /// </summary>
    public static readonly SecondaryIndex TurnsBySession = new(
        "bySession", new(AttributeNames.SessionId, StringType), new(AttributeNames.CreatedAt, NumberType), [AttributeNames.Status]);

    /// <summary>
    /// A user's turns, for counting the ones in flight: the status is projected to filter on, and the turns that pass
    /// are confirmed from the table, like <see cref="TurnsBySession"/>. The table's own partition is the user's too, but a
    /// query of it would read every turn whole, text included; this index holds keys and the status only.
    /// </summary>
    public static readonly SecondaryIndex TurnsByUser = new(
        "byUser", new(AttributeNames.UserId, StringType), new(AttributeNames.CreatedAt, NumberType), [AttributeNames.Status]);

    /// <summary>
    /// Turns by user, then requestId: requestIds are the client's names, unique per user only. Every read of one turn
    /// knows both (the connection's user, and the workflow state carries it), so one GetItem still finds it.
    /// </summary>
    public static readonly TableDefinition Turns = new(
        "turns", new(AttributeNames.UserId, StringType), new(AttributeNames.RequestId, StringType), AttributeNames.ExpiresAt)
    {
        GlobalIndexes = [TurnsBySession, TurnsByUser],
    };

    public static readonly TableDefinition Messages = new(
        "messages", new(AttributeNames.SessionId, StringType), new(AttributeNames.Index, NumberType), AttributeNames.ExpiresAt);

    /// <summary>One item per (session, requestId, role): claiming it is what makes a history append happen once.</summary>
    public static readonly TableDefinition MessageKeys = new(
        "message-keys", new(AttributeNames.SessionId, StringType), new(AttributeNames.MessageKey, StringType), AttributeNames.ExpiresAt);

    public static readonly TableDefinition Frames = new(
        "frames", new(AttributeNames.SessionId, StringType), new(AttributeNames.Seq, NumberType), AttributeNames.ExpiresAt);

    /// <summary>A connection's subscriptions across sessions; only their keys are needed, to delete them.</summary>
    public static readonly SecondaryIndex SubscriptionsByConnection = new(
        "byConnection", new(AttributeNames.ConnectionId, StringType), null, []);

    public static readonly TableDefinition Subscriptions = new(
        "subscriptions", new(AttributeNames.SessionId, StringType), new(AttributeNames.ConnectionId, StringType), AttributeNames.ExpiresAt)
    {
        GlobalIndexes = [SubscriptionsByConnection],
    };

    /// <summary>One token bucket per rate-limit key. A bucket that TTL deleted was full, which is what a missing one reads as.</summary>
    public static readonly TableDefinition RateLimits = new(
        "rate-limits", new(AttributeNames.RateLimitKey, StringType), null, AttributeNames.ExpiresAt);

    public static IReadOnlyList<TableDefinition> All { get; } =
        [Connections, Sessions, Turns, Messages, MessageKeys, Frames, Subscriptions, RateLimits];
}
