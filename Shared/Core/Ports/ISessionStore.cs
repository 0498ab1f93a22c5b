namespace Conduit.Core.Ports;

/// <summary>Sessions own the per-session frame sequence, so creating one and numbering its frames live together.</summary>
public interface ISessionStore
{
    /// <summary>
    /// Creates the session owned by <paramref name="ownerId"/>, or returns the existing one with that id (owner unchanged).
    /// </summary>
    Task<SessionRecord> CreateAsync(string sessionId, string ownerId, CancellationToken cancellationToken);
    Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="holder"/> (the running attempt of a turn) the session's active turn until
    /// <paramref name="until"/>, when no turn holds it, the same holder holds it, or the holder's time ran out (before
    /// <paramref name="now"/>); false otherwise.
    /// </summary>
    Task<bool> TryClaimTurnAsync(
        string sessionId, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the session's <see cref="SessionRecord.Signal"/> on, so the writer of a running turn, which sees it in
    /// every frame append, knows to look again (here: for a cancel request). Does nothing to a session that does not exist.
    /// </summary>
    Task SignalAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Frees the session if <paramref name="holder"/> holds it; otherwise changes nothing.</summary>
    Task ReleaseTurnAsync(string sessionId, string holder, CancellationToken cancellationToken);
}
