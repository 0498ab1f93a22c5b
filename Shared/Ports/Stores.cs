namespace Conduit.Shared.Ports;

public sealed record ConnectionRecord(
    string ConnectionId,
    DateTimeOffset ConnectedAt,
    string? SourceIp,
    string? UserAgent,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The authenticated user (the token's <c>sub</c>) the connection acts for.</summary>
    public string? UserId { get; init; }
}

public interface IConnectionStore
{
    Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken);
    Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken);
    Task RemoveAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>How many unexpired connections (expiry after <paramref name="now"/>) the user has open.</summary>
    Task<int> CountForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);
}

public sealed record SessionRecord(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long LastSeq)
{
    /// <summary>The user who created the session; nobody else may read, resume, steer or follow it.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The turn that holds the session (runs or is about to); null when the session is idle.</summary>
    public string? ActiveTurn { get; init; }

    /// <summary>When the active turn's hold lapses, so a turn whose execution died cannot block the session forever.</summary>
    public DateTimeOffset? ActiveTurnUntil { get; init; }
}

/// <summary>Sessions own the per-session frame sequence, so creating one and numbering its frames live together.</summary>
public interface ISessionStore
{
    /// <summary>Creates the session owned by <paramref name="ownerId"/>, or returns the existing one with that id (owner unchanged).</summary>
    Task<SessionRecord> CreateAsync(string sessionId, string ownerId, CancellationToken cancellationToken);
    Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="requestId"/> the session's active turn until <paramref name="until"/>, when no turn
    /// holds it, the same turn holds it, or the holder's time ran out (before <paramref name="now"/>); false otherwise.
    /// </summary>
    Task<bool> TryClaimTurnAsync(string sessionId, string requestId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Frees the session if <paramref name="requestId"/> holds it; otherwise changes nothing.</summary>
    Task ReleaseTurnAsync(string sessionId, string requestId, CancellationToken cancellationToken);
}

public enum TurnStatus
{
    /// <summary>Acknowledged and queued; not yet seen by the dispatcher.</summary>
    Queued,

    /// <summary>Seen by the dispatcher (its queued status is posted), waiting for the session to be free.</summary>
    Waiting,

    /// <summary>Holds the session; its execution is starting.</summary>
    Dispatched,
    Running,
    Completed,
    Failed,
    Cancelled,
}

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

public static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

public static class MessageStatuses
{
    public const string Complete = "complete";

    /// <summary>An answer the client stopped: the text is what was produced until then.</summary>
    public const string Cancelled = "cancelled";
}

public sealed record HistoryMessage(
    string SessionId,
    long Index,
    string RequestId,
    string Role,
    string Text,
    DateTimeOffset CreatedAt)
{
    public string Status { get; init; } = MessageStatuses.Complete;
}

public interface IHistoryStore
{
    /// <summary>
    /// Appends the message once per (session, requestId, role) and returns its index (from 1); appending the
    /// same message again, as a retried worker does, returns the first index and changes nothing.
    /// </summary>
    Task<long> AppendAsync(string sessionId, string requestId, string role, string text, string status, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="maxCount"/> messages with index ≤ <paramref name="lastIndex"/>, oldest first.</summary>
    Task<IReadOnlyList<HistoryMessage>> ReadLatestAsync(string sessionId, long lastIndex, int maxCount, CancellationToken cancellationToken);

    /// <summary>Messages with index in [<paramref name="firstIndex"/>, <paramref name="lastIndex"/>], oldest first.</summary>
    Task<IReadOnlyList<HistoryMessage>> ReadRangeAsync(string sessionId, long firstIndex, long lastIndex, CancellationToken cancellationToken);
}

public sealed record StoredFrame(string SessionId, long Seq, string RequestId, string Json);

public interface IFrameStore
{
    /// <summary>
    /// Allocates the session's next seq and persists the frame <paramref name="render"/> makes for it, atomically:
    /// a seq is never skipped and never given twice.
    /// </summary>
    Task<StoredFrame> AppendAsync(string sessionId, string requestId, Func<long, string> render, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredFrame>> ReadAfterAsync(string sessionId, long afterSeq, int maxCount, CancellationToken cancellationToken);
}

/// <summary>A connection's subscription to a session: it receives the session's frames, from <see cref="DeliveredSeq"/> on.</summary>
public sealed record Subscription(string SessionId, string ConnectionId, long DeliveredSeq, DateTimeOffset ExpiresAt);

/// <summary>
/// Who receives a session's frames, and how far each has got. Delivery to one connection is done by one holder
/// of its lease at a time, which posts strictly after <see cref="Subscription.DeliveredSeq"/> and moves it on when
/// it lets go: that is what keeps a replay and the live stream from overlapping or leaving a gap.
/// </summary>
public interface ISubscriptionStore
{
    /// <summary>
    /// Subscribes the connection. <paramref name="resetCursor"/> (a resume) sets the cursor to
    /// <paramref name="deliveredSeq"/>; otherwise an existing subscription keeps its cursor.
    /// </summary>
    Task SubscribeAsync(string sessionId, string connectionId, long deliveredSeq, bool resetCursor, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the delivery lease of one subscription for <paramref name="owner"/> until <paramref name="until"/>, when
    /// it is free or lapsed (before <paramref name="now"/>); returns the subscription, or null when another holds it
    /// or it does not exist.
    /// </summary>
    Task<Subscription?> TryLeaseAsync(string sessionId, string connectionId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Moves the cursor to <paramref name="deliveredSeq"/> and frees the lease, if <paramref name="owner"/> holds it.</summary>
    Task ReleaseAsync(string sessionId, string connectionId, string owner, long deliveredSeq, CancellationToken cancellationToken);

    Task RemoveAsync(string sessionId, string connectionId, CancellationToken cancellationToken);

    /// <summary>Removes every subscription of a connection that closed or is gone.</summary>
    Task RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken);
}

/// <summary>A token bucket: <see cref="Burst"/> tokens at most, refilled at <see cref="PerMinute"/> a minute.</summary>
public sealed record RateLimit(int Burst, double PerMinute);

public sealed record RateLimitDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// Rate limits kept in the store, so they hold across every Lambda instance (and across local restarts): one
/// bucket per key, taken from atomically.
/// </summary>
public interface IRateLimitStore
{
    /// <summary>Takes one token from the key's bucket if it has one; otherwise says how long until it will.</summary>
    Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken);
}
