namespace Conduit.Core.Ports;

/// <summary>A connection's subscription to a session: it receives the session's frames, from <see cref="DeliveredSeq"/> on.</summary>
public sealed record Subscription(string SessionId, string ConnectionId, long DeliveredSeq, DateTimeOffset ExpiresAt);
