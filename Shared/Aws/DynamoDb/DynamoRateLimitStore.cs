using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using static Conduit.Aws.DynamoDb.DynamoItems;

namespace Conduit.Aws.DynamoDb;

/// <summary>
/// Token buckets in the rate-limits table, one item per key: <c>tokens</c>, <c>updatedAt</c> and a <c>version</c> each
/// take increments. A take reads the bucket consistently and writes it back only if the version is still the one it
/// read, so of two Lambda instances taking at once one writes and the other reads again: the last token is never
/// taken twice. The version, not <c>updatedAt</c>, is the guard, because two takes in the same millisecond leave
/// <c>updatedAt</c> unchanged. A refusal writes nothing.
/// </summary>
public sealed class DynamoRateLimitStore(IAmazonDynamoDB client, DynamoTableNames names) : IRateLimitStore
{
    /// <summary>
    /// A conflict means another take succeeded in between, so on a bucket of fewer tokens than this a caller gets its
    /// answer within these attempts; a key busier than that is refused for the time one token takes.
    /// </summary>
    private const int MaxAttempts = 8;

    public async Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var item = await client.ReadItemAsync(names.RateLimits, Key(AttributeNames.RateLimitKey, key), cancellationToken)
                .ConfigureAwait(false);
            var bucket = item is null
                ? TokenBucket.Full(limit, now)
                : new TokenBucket(item.GetFraction(AttributeNames.Tokens), item.GetEpochMilliseconds(AttributeNames.UpdatedAt));
            var (next, decision) = bucket.Take(limit, now);
            if (!decision.Allowed) return decision;
            if (await TryWriteAsync(key, next, limit, item?.GetNumber(AttributeNames.Version), cancellationToken).ConfigureAwait(false))
                return decision;
        }
        return new RateLimitDecision(false, TokenBucket.TimePerToken(limit));
    }

    /// <summary>
    /// Writes the bucket if nobody has since <paramref name="readVersion"/> (null: if it still does not exist). It may
    /// expire once full again, since a missing bucket reads as full.
    /// </summary>
    private async Task<bool> TryWriteAsync(
        string key, TokenBucket bucket, RateLimit limit, long? readVersion, CancellationToken cancellationToken)
    {
        var request = new UpdateItemRequest
        {
            TableName = names.RateLimits,
            Key = Key(AttributeNames.RateLimitKey, key),
            UpdateExpression = "SET #tokens = :tokens, #updatedAt = :updatedAt, #version = :next, #expiresAt = :expiresAt",
            ExpressionAttributeNames = new()
            {
                ["#tokens"] = AttributeNames.Tokens,
                ["#updatedAt"] = AttributeNames.UpdatedAt,
                ["#version"] = AttributeNames.Version,
                ["#expiresAt"] = AttributeNames.ExpiresAt,
            },
            ExpressionAttributeValues = new()
            {
                [":tokens"] = FractionValue(bucket.Tokens),
                [":updatedAt"] = EpochMilliseconds(bucket.UpdatedAt),
                [":next"] = NumberValue((readVersion ?? 0) + 1),
                [":expiresAt"] = TimeToLive(bucket.UpdatedAt + bucket.UntilFull(limit)),
            },
        };
        // DynamoDB rejects a placeholder the expressions do not use, so each condition brings only its own.
        if (readVersion is { } version)
        {
            request.ConditionExpression = "#version = :version";
            request.ExpressionAttributeValues[":version"] = NumberValue(version);
        }
        else
        {
            request.ConditionExpression = "attribute_not_exists(#key)";
            request.ExpressionAttributeNames["#key"] = AttributeNames.RateLimitKey;
        }
        return await client.UpdateItemAsync(request, cancellationToken).UnlessConditionFailsAsync().ConfigureAwait(false) is not null;
    }
}
