using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Conduit.Aws.DynamoDb;

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
            KeySchema = [.. KeyAttributes.Select(key =>
                new KeySchemaElement(key.Name, key == PartitionKey ? KeyType.HASH : KeyType.RANGE))],
            Projection = projection,
        };
    }
}
