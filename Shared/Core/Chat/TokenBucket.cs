using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>
/// A bucket's state and the arithmetic of taking from it, shared by every rate-limit store so they answer alike.
/// Time counts in whole milliseconds, as the stores keep it.
/// </summary>
public sealed record TokenBucket(double Tokens, DateTimeOffset UpdatedAt)
{
    private const double MillisecondsPerMinute = 60_000;

    // Refills add fractions of a token, and a sum meant to reach one token exactly can fall short by a rounding error.
    private const double Slack = 1e-9;

    /// <summary>A key seen for the first time: as if it had been idle long enough to fill up.</summary>
    public static TokenBucket Full(RateLimit limit, DateTimeOffset now) =>
        new(Validated(limit).Burst, DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()));

    /// <summary>How long one token takes to come back.</summary>
    public static TimeSpan TimePerToken(RateLimit limit) => TimeToRefill(1, Validated(limit));

    /// <summary>
    /// Refills the bucket up to <paramref name="now"/> and takes one token if there is one; otherwise says when there
    /// will be. A clock behind the bucket's (another instance's) refills nothing and never moves the bucket back.
    /// </summary>
    public (TokenBucket Next, RateLimitDecision Decision) Take(RateLimit limit, DateTimeOffset now)
    {
        Validated(limit);
        var updatedAt = UpdatedAt.ToUnixTimeMilliseconds();
        var elapsed = Math.Max(0, now.ToUnixTimeMilliseconds() - updatedAt);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(updatedAt + elapsed);
        var tokens = Math.Min(limit.Burst, Tokens + elapsed * limit.PerMinute / MillisecondsPerMinute);
        return tokens >= 1 - Slack
            ? (new TokenBucket(Math.Max(0, tokens - 1), at), new RateLimitDecision(true, TimeSpan.Zero))
            : (new TokenBucket(tokens, at), new RateLimitDecision(false, TimeToRefill(1 - tokens, limit)));
    }

    /// <summary>How long until the bucket is full again; from then on it reads the same as no bucket at all.</summary>
    public TimeSpan UntilFull(RateLimit limit) => TimeToRefill(limit.Burst - Tokens, Validated(limit));

    /// <summary>
    /// Rounded up to the millisecond, less the slack <see cref="Take"/> allows, so a caller that waits exactly this
    /// long finds the token there.
    /// </summary>
    private static TimeSpan TimeToRefill(double tokens, RateLimit limit) =>
        TimeSpan.FromMilliseconds((long)Math.Ceiling(Math.Max(0, tokens - Slack) * MillisecondsPerMinute / limit.PerMinute));

    private static RateLimit Validated(RateLimit limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit.Burst, 1, nameof(limit));
        if (!double.IsFinite(limit.PerMinute) || limit.PerMinute <= 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(limit), limit.PerMinute, "A rate limit refills a positive, finite number of tokens a minute.");
        }
        return limit;
    }
}
