using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Conduit.Aws.DynamoDb;

/// <summary>Attribute values in and out of items: timestamps as epoch milliseconds, TTLs as epoch seconds.</summary>
internal static class DynamoItems
{
    public static AttributeValue StringValue(string value) => new() { S = value };

    public static AttributeValue NumberValue(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>Fixed-point, because DynamoDB's number grammar is not .NET's round-trip format (which may use an exponent).</summary>
    public static AttributeValue FractionValue(double value) =>
        new() { N = value.ToString("0.############", CultureInfo.InvariantCulture) };

    public static AttributeValue FlagValue(bool value) => new() { BOOL = value };

    public static AttributeValue EpochMilliseconds(DateTimeOffset instant) => NumberValue(instant.ToUnixTimeMilliseconds());

    /// <summary>Rounded up, so TTL never deletes an item before the instant it was given.</summary>
    public static AttributeValue TimeToLive(DateTimeOffset instant)
    {
        var milliseconds = instant.ToUnixTimeMilliseconds();
        return NumberValue(milliseconds / 1000 + (milliseconds % 1000 > 0 ? 1 : 0));
    }

    public static Dictionary<string, AttributeValue> Key(string name, string value) => new() { [name] = StringValue(value) };

    public static string GetString(this Dictionary<string, AttributeValue> item, string name) =>
        item.GetNullableString(name) ?? throw Malformed(name);

    public static string? GetNullableString(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static long GetNumber(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } number
            ? long.Parse(number, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : throw Malformed(name);

    public static double GetFraction(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } number
            ? double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture)
            : throw Malformed(name);

    public static DateTimeOffset GetEpochMilliseconds(this Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.FromUnixTimeMilliseconds(item.GetNumber(name));

    public static DateTimeOffset? GetNullableEpochMilliseconds(this Dictionary<string, AttributeValue> item, string name) =>
        item.ContainsKey(name) ? item.GetEpochMilliseconds(name) : null;

    /// <summary>An absent flag reads as false, so items written before the flag existed need no migration.</summary>
    public static bool GetFlag(this Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.BOOL == true;

    public static DateTimeOffset GetTimeToLive(this Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.FromUnixTimeSeconds(item.GetNumber(name));

    /// <summary>The SDK leaves absent response collections null, so "no item" arrives as null or empty.</summary>
    public static Dictionary<string, AttributeValue>? OrNullWhenEmpty(this Dictionary<string, AttributeValue>? item) =>
        item is { Count: > 0 } ? item : null;

    /// <summary>Runs a conditional write; null when its condition failed, which callers treat as an answer, not an error.</summary>
    public static async Task<T?> UnlessConditionFailsAsync<T>(this Task<T> write) where T : class
    {
        try
        {
            return await write.ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Strongly consistent, like every table read here: the stores read what they or a racing writer have just written
    /// (an existing turn, a claimed message key), where an eventually consistent read could miss it.
    /// </summary>
    public static async Task<Dictionary<string, AttributeValue>?> ReadItemAsync(
        this IAmazonDynamoDB client, string tableName, Dictionary<string, AttributeValue> key, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(
            new GetItemRequest { TableName = tableName, Key = key, ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.Item.OrNullWhenEmpty();
    }

    /// <summary>
    /// Follows LastEvaluatedKey until the query is exhausted or <paramref name="maxCount"/> items are in hand:
    /// a page ends at Limit or at 1 MB, whichever comes first.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> QueryAllAsync(
        this IAmazonDynamoDB client, QueryRequest request, int? maxCount, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        // Global secondary indexes serve only eventually consistent reads and reject a request for more.
        request.ConsistentRead = request.IndexName is null;
        do
        {
            if (maxCount is { } max) request.Limit = max - items.Count;
            var response = await client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Items is { } page) items.AddRange(page);
            request.ExclusiveStartKey = response.LastEvaluatedKey.OrNullWhenEmpty();
        }
        while (request.ExclusiveStartKey is not null && (maxCount is null || items.Count < maxCount));
        return items;
    }

    /// <summary>Sums a <c>Select = COUNT</c> query over its pages: each page counts what it read, up to 1 MB.</summary>
    public static async Task<int> CountAllAsync(this IAmazonDynamoDB client, QueryRequest request, CancellationToken cancellationToken)
    {
        request.Select = Select.COUNT;
        request.ConsistentRead = request.IndexName is null;
        var count = 0;
        do
        {
            var response = await client.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            count += response.Count ?? 0;
            request.ExclusiveStartKey = response.LastEvaluatedKey.OrNullWhenEmpty();
        }
        while (request.ExclusiveStartKey is not null);
        return count;
    }

    private static InvalidDataException Malformed(string name) => new($"The stored item has no valid \"{name}\" attribute.");
}
