namespace Conduit.Shared.Ports;

public sealed record ConnectionRecord(
    string ConnectionId,
    DateTimeOffset ConnectedAt,
    string? SourceIp,
    string? UserAgent,
    DateTimeOffset ExpiresAt);

public interface IConnectionStore
{
    Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken);
    Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken);
    Task RemoveAsync(string connectionId, CancellationToken cancellationToken);
}

public sealed record SessionRecord(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, long LastSeq);

/// <summary>Sessions own the per-session frame sequence, so creating one and numbering its frames live together.</summary>
public interface ISessionStore
{
    /// <summary>Creates the session, or returns the existing one with that id.</summary>
    Task<SessionRecord> CreateAsync(string sessionId, CancellationToken cancellationToken);
    Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken);
}

public enum TurnStatus
{
    Queued,
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
    string? ErrorCode);

public interface ITurnStore
{
    /// <summary>Creates the turn unless one with its requestId exists; then returns that one untouched.</summary>
    Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken);
    Task<TurnRecord?> GetAsync(string requestId, CancellationToken cancellationToken);

    /// <summary>Moves the turn to <paramref name="to"/> only when it is in <paramref name="from"/>; false otherwise.</summary>
    Task<bool> TransitionAsync(string requestId, TurnStatus from, TurnStatus to, CancellationToken cancellationToken);

    Task SetStatusAsync(string requestId, TurnStatus status, string? errorCode, CancellationToken cancellationToken);
}

public static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

public sealed record HistoryMessage(
    string SessionId,
    long Index,
    string RequestId,
    string Role,
    string Text,
    DateTimeOffset CreatedAt);

public interface IHistoryStore
{
    /// <summary>
    /// Appends the message once per (session, requestId, role) and returns its index (from 1); appending the
    /// same message again, as a retried worker does, returns the first index and changes nothing.
    /// </summary>
    Task<long> AppendAsync(string sessionId, string requestId, string role, string text, CancellationToken cancellationToken);

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
