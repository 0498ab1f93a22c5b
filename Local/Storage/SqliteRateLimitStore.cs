using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Storage;

/// <summary>
/// Token buckets in the <c>rate_limits</c> table. Read, refill, take and write run in one transaction on the one
/// connection every store shares, so concurrent takes are applied one after another and never take a token twice.
/// A refusal writes nothing.
/// </summary>
public sealed class SqliteRateLimitStore(SqliteDatabase database) : IRateLimitStore
{
    public Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var bucket = c.QuerySingle("SELECT tokens, updated_at FROM rate_limits WHERE key = $key",
                r => new TokenBucket(r.GetDouble(0), r.GetTimestamp(1)), ("$key", key)) ?? TokenBucket.Full(limit, now);
            var (next, decision) = bucket.Take(limit, now);
            if (decision.Allowed)
            {
                c.Execute(
                    """
                    INSERT INTO rate_limits (key, tokens, updated_at) VALUES ($key, $tokens, $updatedAt)
                    ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at
                    """,
                    ("$key", key), ("$tokens", next.Tokens), ("$updatedAt", next.UpdatedAt.ToUnixTimeMilliseconds()));
            }
            return decision;
        }, cancellationToken);
}
