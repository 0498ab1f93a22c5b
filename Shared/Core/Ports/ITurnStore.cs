namespace Conduit.Core.Ports;

/// <summary>Turns by <see cref="TurnKey"/>: another user's requestId is simply not there.</summary>
public interface ITurnStore
{
    /// <summary>Creates the turn unless the user has one with its requestId; then returns that one untouched.</summary>
    Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken);
    Task<TurnRecord?> GetAsync(TurnKey key, CancellationToken cancellationToken);

    /// <summary>Moves the turn to <paramref name="to"/> only when it is in <paramref name="from"/>; false otherwise.</summary>
    Task<bool> TransitionAsync(TurnKey key, TurnStatus from, TurnStatus to, CancellationToken cancellationToken);

    Task SetStatusAsync(TurnKey key, TurnStatus status, string? errorCode, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the turn Running for the workflow run <paramref name="runId"/>: when it is Dispatched, or already claimed by
    /// that run (a step run again). False when another run holds it, so a duplicate execution of the same attempt (an
    /// Express workflow starts one per StartExecution, whatever its name) leaves the turn to the first.
    /// </summary>
    Task<bool> ClaimRunAsync(TurnKey key, string runId, CancellationToken cancellationToken);

    /// <summary>
    /// Starts attempt <paramref name="failedAttempt"/> + 1 of a turn that failed in attempt <paramref name="failedAttempt"/>:
    /// back to Queued, with no error code and no cancel request. Only one caller can win for a given attempt, so two
    /// retries sent at once start one new attempt. Null when the turn is not Failed at that attempt (or does not exist).
    /// </summary>
    Task<TurnRecord?> RetryAsync(TurnKey key, int failedAttempt, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the client asked to stop the turn. Read every coalescing interval while a turn streams, so it reads
    /// the one flag, not the whole turn and its text.
    /// </summary>
    Task<bool> IsCancelRequestedAsync(TurnKey key, CancellationToken cancellationToken);

    /// <summary>Flags the turn for cancelling unless it has finished; false when it has (or does not exist).</summary>
    Task<bool> RequestCancelAsync(TurnKey key, CancellationToken cancellationToken);

    /// <summary>The session's turns still Queued or Waiting, oldest first (by creation, then requestId).</summary>
    Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken);

    /// <summary>How many of the user's turns are in flight (Queued, Waiting, Dispatched or Running).</summary>
    Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken);
}
