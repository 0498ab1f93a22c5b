namespace Conduit.Core.Protocol;

/// <summary>
/// A protocol error (no session, no seq) answers one client frame; a turn error belongs to the session's
/// stream and carries <see cref="SessionId"/> and <see cref="Seq"/> like every other turn frame.
/// </summary>
public sealed record ErrorFrame(string Code, string Message, string? RequestId, bool Retryable) : ServerFrame
{
    public string? SessionId { get; init; }
    public long? Seq { get; init; }

    /// <summary>With <c>rate_limited</c>: how long to wait before the next message is accepted.</summary>
    public long? RetryAfterMs { get; init; }
}
