namespace Conduit.Core.Ports;

public interface ITurnStore
{
    /// <summary>Creates the turn unless one with its requestId exists; then returns that one untouched.</summary>
    Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken);
    Task<TurnRecord?> GetAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Moves the turn to <paramref name="to"/> only when it is in <paramref name="from"/>; false otherwise.</summary>
    Task<bool> TransitionAsync(string requestId, TurnStatus from, TurnStatus to, CancellationToken cancellationToken);

    Task SetStatusAsync(string requestId, TurnStatus status, string? errorCode, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the client asked to stop the turn. Read every coalescing interval while a turn streams, so it reads
    /// the one flag, not the whole turn and its text.
    /// </summary>
    Task<bool> IsCancelRequestedAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Flags the turn for cancelling unless it has finished; false when it has (or does not exist).</summary>
    Task<bool> RequestCancelAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>The session's turns still Queued or Waiting, oldest first (by creation, then requestId).</summary>
    Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken);

    /// <summary>How many of the user's turns are in flight (Queued, Waiting, Dispatched or Running).</summary>
    Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken);
}
