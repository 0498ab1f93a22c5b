using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Conduit.Shared.Aws.DynamoDb;

/// <summary>A key attribute with its scalar type spelled as DynamoDB and CloudFormation spell it: "S" or "N".</summary>
public sealed record KeyAttribute(string Name, string Type);

/// <summary>
/// A global secondary index. It projects the table's and its own keys plus <paramref name="NonKeyAttributes"/>:
/// KEYS_ONLY when there are none, INCLUDE otherwise.
/// </summary>
public sealed record SecondaryIndex(string Name, KeyAttribute PartitionKey, KeyAttribute? SortKey, IReadOnlyList<string> NonKeyAttributes)
{
    public IReadOnlyList<KeyAttribute> KeyAttributes => SortKey is null ? [PartitionKey] : [PartitionKey, SortKey];

    /// <summary>Spelled as DynamoDB and CloudFormation spell it.</summary>
    public string ProjectionType => NonKeyAttributes.Count == 0 ? "KEYS_ONLY" : "INCLUDE";

    public GlobalSecondaryIndex ToGlobalSecondaryIndex()
    {
        var projection = new Projection { ProjectionType = Amazon.DynamoDBv2.ProjectionType.FindValue(ProjectionType) };
        if (NonKeyAttributes.Count > 0) projection.NonKeyAttributes = [.. NonKeyAttributes];
        return new GlobalSecondaryIndex
        {
            IndexName = Name,
            KeySchema = [.. KeyAttributes.Select(key => new KeySchemaElement(key.Name, key == PartitionKey ? KeyType.HASH : KeyType.RANGE))],
            Projection = projection,
        };
    }
}

/// <summary>One table of the schema, as plain data so deployment templates can be checked against it.</summary>
public sealed record TableDefinition(string NameSuffix, KeyAttribute PartitionKey, KeyAttribute? SortKey, string TimeToLiveAttribute)
{
    public IReadOnlyList<SecondaryIndex> GlobalIndexes { get; init; } = [];

    public IReadOnlyList<KeyAttribute> KeyAttributes => SortKey is null ? [PartitionKey] : [PartitionKey, SortKey];

    /// <summary>Every attribute a table or index key names, once: what CreateTable and the template must declare.</summary>
    public IReadOnlyList<KeyAttribute> AttributeDefinitions =>
        [.. KeyAttributes.Concat(GlobalIndexes.SelectMany(index => index.KeyAttributes)).Distinct()];

    /// <summary>The table as a CreateTable call; TTL is switched on separately (UpdateTimeToLive, or the template).</summary>
    public CreateTableRequest ToCreateTableRequest(string tableName)
    {
        var request = new CreateTableRequest
        {
            TableName = tableName,
            BillingMode = BillingMode.FindValue(ConduitTables.BillingMode),
            KeySchema = [.. KeyAttributes.Select(key => new KeySchemaElement(key.Name, key == PartitionKey ? KeyType.HASH : KeyType.RANGE))],
            AttributeDefinitions = [.. AttributeDefinitions.Select(key => new AttributeDefinition(key.Name, ScalarAttributeType.FindValue(key.Type)))],
        };
        // CreateTable rejects an empty index list, so a table without indexes must not send one.
        if (GlobalIndexes.Count > 0) request.GlobalSecondaryIndexes = [.. GlobalIndexes.Select(index => index.ToGlobalSecondaryIndex())];
        return request;
    }
}

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

    public static readonly TableDefinition Sessions = new(
        "sessions", new(AttributeNames.SessionId, StringType), null, AttributeNames.ExpiresAt);

    /// <summary>
    /// A session's turns in creation order, for finding the ones still waiting: the status is projected to filter on,
    /// and the turns that pass are read from the table, where reads can be consistent.
    /// </summary>
    public static readonly SecondaryIndex TurnsBySession = new(
        "bySession", new(AttributeNames.SessionId, StringType), new(AttributeNames.CreatedAt, NumberType), [AttributeNames.Status]);

    /// <summary>
    /// A user's turns, for counting the ones in flight: the status is projected to filter on, and the turns that pass
    /// are confirmed from the table, like <see cref="TurnsBySession"/>. Turns without a user are not indexed.
    /// </summary>
    public static readonly SecondaryIndex TurnsByUser = new(
        "byUser", new(AttributeNames.UserId, StringType), new(AttributeNames.CreatedAt, NumberType), [AttributeNames.Status]);

    public static readonly TableDefinition Turns = new(
        "turns", new(AttributeNames.RequestId, StringType), null, AttributeNames.ExpiresAt)
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

    public static IReadOnlyList<TableDefinition> All { get; } = [Connections, Sessions, Turns, Messages, MessageKeys, Frames, Subscriptions, RateLimits];
}

/// <summary>The deployed name of each table; on AWS they come from the stack, in tests from a prefix.</summary>
public sealed record DynamoTableNames(
    string Connections, string Sessions, string Turns, string Messages, string MessageKeys, string Frames, string Subscriptions, string RateLimits)
{
    public static DynamoTableNames WithPrefix(string prefix) => new(
        $"{prefix}-{ConduitTables.Connections.NameSuffix}",
        $"{prefix}-{ConduitTables.Sessions.NameSuffix}",
        $"{prefix}-{ConduitTables.Turns.NameSuffix}",
        $"{prefix}-{ConduitTables.Messages.NameSuffix}",
        $"{prefix}-{ConduitTables.MessageKeys.NameSuffix}",
        $"{prefix}-{ConduitTables.Frames.NameSuffix}",
        $"{prefix}-{ConduitTables.Subscriptions.NameSuffix}",
        $"{prefix}-{ConduitTables.RateLimits.NameSuffix}");

    public string For(TableDefinition table) =>
        table == ConduitTables.Connections ? Connections
        : table == ConduitTables.Sessions ? Sessions
        : table == ConduitTables.Turns ? Turns
        : table == ConduitTables.Messages ? Messages
        : table == ConduitTables.MessageKeys ? MessageKeys
        : table == ConduitTables.Frames ? Frames
        : table == ConduitTables.Subscriptions ? Subscriptions
        : table == ConduitTables.RateLimits ? RateLimits
        : throw new ArgumentException($"Table \"{table.NameSuffix}\" is not part of the Conduit schema.", nameof(table));
}

/// <summary>Attribute names as stored; camelCase like the protocol's JSON.</summary>
public static class AttributeNames
{
    public const string ConnectionId = "connectionId";
    public const string ConnectedAt = "connectedAt";
    public const string SourceIp = "sourceIp";
    public const string UserAgent = "userAgent";
    public const string SessionId = "sessionId";
    public const string RequestId = "requestId";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";
    public const string ExpiresAt = "expiresAt";
    public const string LastSeq = "lastSeq";
    public const string LastIndex = "lastIndex";
    public const string ActiveTurn = "activeTurn";
    public const string ActiveTurnUntil = "activeTurnUntil";
    public const string Text = "text";
    public const string Status = "status";
    public const string ErrorCode = "errorCode";
    public const string CancelRequested = "cancelRequested";
    public const string Index = "index";
    public const string Role = "role";
    public const string MessageKey = "messageKey";
    public const string Seq = "seq";
    public const string Json = "json";
    public const string DeliveredSeq = "deliveredSeq";
    public const string LeaseOwner = "leaseOwner";
    public const string LeaseUntil = "leaseUntil";
    public const string UserId = "userId";
    public const string OwnerId = "ownerId";

    /// <summary>KEY is a DynamoDB reserved word; every expression here names attributes through placeholders anyway.</summary>
    public const string RateLimitKey = "key";
    public const string Tokens = "tokens";
    public const string Version = "version";
}
