namespace Conduit.Core.Ports;

/// <summary>A token bucket: <see cref="Burst"/> tokens at most, refilled at <see cref="PerMinute"/> a minute.</summary>
public sealed record RateLimit(int Burst, double PerMinute);
