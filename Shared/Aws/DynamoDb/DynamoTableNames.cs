namespace Conduit.Aws.DynamoDb;

/// <summary>The deployed name of each table; on AWS they come from the stack, in tests from a prefix.</summary>
public sealed record DynamoTableNames(
    string Connections,
    string Sessions,
    string Turns,
    string Messages,
    string MessageKeys,
    string Frames,
    string Subscriptions,
    string RateLimits)
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
