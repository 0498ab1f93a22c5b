using Conduit.Core.Contracts;

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
    /// <summary>The user who sent the message; with <see cref="RequestId"/> it identifies the turn.</summary>
    public required string UserId { get; init; }

    /// <summary>Which run of the turn this is: 1, then one more for every retry after a retryable failure.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The client asked to stop this turn; the workers stop at their next check.</summary>
    public bool CancelRequested { get; init; }

    public TurnKey Key => new(UserId, RequestId);

    public TurnReference Reference => new(UserId, RequestId, SessionId, ConnectionId) { Attempt = Attempt };

    public bool IsFinished => Status is TurnStatus.Completed or TurnStatus.Failed or TurnStatus.Cancelled;
}
