namespace Conduit.Core.Ports;

public sealed record SessionRecord(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long LastSeq)
{
    /// <summary>The user who created the session; nobody else may read, resume, steer or follow it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The turn that holds the session (runs or is about to); null when the session is idle.</summary>
    public string? ActiveTurn { get; init; }

    /// <summary>When the active turn's hold lapses, so a turn whose execution died cannot block the session forever.</summary>
    public DateTimeOffset? ActiveTurnUntil { get; init; }
}
