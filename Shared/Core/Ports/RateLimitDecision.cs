namespace Conduit.Core.Ports;

public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter);
