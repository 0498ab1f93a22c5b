using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Conduit.Aws.DynamoDb;

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
            KeySchema = [.. KeyAttributes.Select(key =>
                new KeySchemaElement(key.Name, key == PartitionKey ? KeyType.HASH : KeyType.RANGE))],
            AttributeDefinitions = [.. AttributeDefinitions.Select(key =>
                new AttributeDefinition(key.Name, ScalarAttributeType.FindValue(key.Type)))],
        };
        // CreateTable rejects an empty index list, so a table without indexes must not send one.
        if (GlobalIndexes.Count > 0) request.GlobalSecondaryIndexes = [.. GlobalIndexes.Select(index => index.ToGlobalSecondaryIndex())];
        return request;
    }
}
