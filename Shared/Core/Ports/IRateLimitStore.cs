namespace Conduit.Core.Ports;

/// <summary>
/// Rate limits kept in the store, so they hold across every Lambda instance (and across local restarts): one
/// bucket per key, taken from atomically.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>Takes one token from the key's bucket if it has one; otherwise says how long until it will.</summary>
    Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken);
}
