namespace Conduit.Core.Ports;

public sealed record TurnRecord(
    string RequestId,
    string SessionId,
    string ConnectionId,
    string Text,
    TurnStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ErrorCode)
{
    /// <summary>The user who sent the message.</summary>
    public string? UserId { get; init; }

    /// <summary>The client asked to stop this turn; the workers stop at their next check.</summary>
    public bool CancelRequested { get; init; }

    public bool IsFinished => Status is TurnStatus.Completed or TurnStatus.Failed or TurnStatus.Cancelled;
}
