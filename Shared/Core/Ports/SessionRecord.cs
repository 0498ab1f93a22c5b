namespace Conduit.Core.Ports;

public sealed record SessionRecord(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long LastSeq)
{
    /// <summary>The user who created the session; nobody else may read, resume, steer or follow it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The turn that holds the session (runs or is about to); null when the session is idle.</summary>
    public string? ActiveTurn { get; init; }

    /// <summary>
    /// Moves on whenever something a running turn's writer must notice changes: a subscription is added or its cursor
    /// reset, or a cancel is requested. Writers see it in each frame append, so they read again only after it moved.
    /// </summary>
    public long Signal { get; init; }

    /// <summary>When the active turn's hold lapses, so a turn whose execution died cannot block the session forever.</summary>
    public DateTimeOffset? ActiveTurnUntil { get; init; }
}
