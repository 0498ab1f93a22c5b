using Conduit.Shared.Ports;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

/// <summary>The chat tables: the same entities and keys as the DynamoDB design, in SQLite.</summary>
public static class ChatSchema
{
    public static void Create(SqliteDatabase database) => database.Execute("""
        CREATE TABLE IF NOT EXISTS connections (
            connection_id TEXT PRIMARY KEY, connected_at INTEGER NOT NULL, source_ip TEXT, user_agent TEXT, expires_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (
            session_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0, last_index INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS turns (
            request_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, connection_id TEXT NOT NULL, text TEXT NOT NULL,
            status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, error_code TEXT);
        CREATE TABLE IF NOT EXISTS messages (
            session_id TEXT NOT NULL, idx INTEGER NOT NULL, request_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, idx), UNIQUE (session_id, request_id, role));
        CREATE TABLE IF NOT EXISTS frames (
            session_id TEXT NOT NULL, seq INTEGER NOT NULL, request_id TEXT NOT NULL, json TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, seq));
        """);
}

public sealed class SqliteConnectionStore(SqliteDatabase database) : IConnectionStore
{
    public Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "INSERT OR REPLACE INTO connections VALUES ($id, $connectedAt, $ip, $agent, $expiresAt)",
            ("$id", connection.ConnectionId), ("$connectedAt", connection.ConnectedAt.ToUnixTimeMilliseconds()),
            ("$ip", connection.SourceIp), ("$agent", connection.UserAgent), ("$expiresAt", connection.ExpiresAt.ToUnixTimeMilliseconds())),
            cancellationToken);

    public Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            "SELECT connection_id, connected_at, source_ip, user_agent, expires_at FROM connections WHERE connection_id = $id",
            r => new ConnectionRecord(r.GetString(0), r.GetTimestamp(1), r.GetNullableString(2), r.GetNullableString(3), r.GetTimestamp(4)),
            ("$id", connectionId)), cancellationToken);

    public Task RemoveAsync(string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute("DELETE FROM connections WHERE connection_id = $id", ("$id", connectionId)), cancellationToken);
}

public sealed class SqliteSessionStore(SqliteDatabase database, TimeProvider time, TimeSpan ttl) : ISessionStore
{
    private const string Columns = "session_id, created_at, expires_at, last_seq";

    public Task<SessionRecord> CreateAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return database.RunAsync(c =>
        {
            c.Execute("INSERT OR IGNORE INTO sessions (session_id, created_at, expires_at) VALUES ($id, $now, $expires)",
                ("$id", sessionId), ("$now", now.ToUnixTimeMilliseconds()), ("$expires", (now + ttl).ToUnixTimeMilliseconds()));
            return Read(c, sessionId)!;
        }, cancellationToken);
    }

    public Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => Read(c, sessionId), cancellationToken);

    private static SessionRecord? Read(SqliteConnection connection, string sessionId) =>
        connection.QuerySingle($"SELECT {Columns} FROM sessions WHERE session_id = $id",
            r => new SessionRecord(r.GetString(0), r.GetTimestamp(1), r.GetTimestamp(2), r.GetInt64(3)),
            ("$id", sessionId));
}

public sealed class SqliteTurnStore(SqliteDatabase database, TimeProvider time) : ITurnStore
{
    private const string Columns = "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code";

    public Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken) =>
        database.RunAsync(c =>
        {
            var inserted = c.Execute($"INSERT OR IGNORE INTO turns ({Columns}) VALUES ($id, $session, $connection, $text, $status, $created, $updated, $error)",
                ("$id", turn.RequestId), ("$session", turn.SessionId), ("$connection", turn.ConnectionId), ("$text", turn.Text),
                ("$status", turn.Status.ToString()), ("$created", turn.CreatedAt.ToUnixTimeMilliseconds()),
                ("$updated", turn.UpdatedAt.ToUnixTimeMilliseconds()), ("$error", turn.ErrorCode));
            return (inserted == 1, Read(c, turn.RequestId)!);
        }, cancellationToken);

    public Task<TurnRecord?> GetAsync(string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => Read(c, requestId), cancellationToken);

    public Task<bool> TransitionAsync(string requestId, TurnStatus from, TurnStatus to, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET status = $to, updated_at = $now WHERE request_id = $id AND status = $from",
            ("$id", requestId), ("$from", from.ToString()), ("$to", to.ToString()), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task SetStatusAsync(string requestId, TurnStatus status, string? errorCode, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET status = $status, error_code = $error, updated_at = $now WHERE request_id = $id",
            ("$id", requestId), ("$status", status.ToString()), ("$error", errorCode), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())),
            cancellationToken);

    private static TurnRecord? Read(SqliteConnection connection, string requestId) =>
        connection.QuerySingle($"SELECT {Columns} FROM turns WHERE request_id = $id",
            r => new TurnRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<TurnStatus>(r.GetString(4)),
                r.GetTimestamp(5), r.GetTimestamp(6), r.GetNullableString(7)),
            ("$id", requestId));
}

public sealed class SqliteHistoryStore(SqliteDatabase database, TimeProvider time) : IHistoryStore
{
    private const string Columns = "session_id, idx, request_id, role, text, created_at";

    public Task<long> AppendAsync(string sessionId, string requestId, string role, string text, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var existing = c.QuerySingle("SELECT idx FROM messages WHERE session_id = $session AND request_id = $request AND role = $role",
                r => (long?)r.GetInt64(0), ("$session", sessionId), ("$request", requestId), ("$role", role));
            if (existing is { } index) return index;
            var next = c.QuerySingle("UPDATE sessions SET last_index = last_index + 1 WHERE session_id = $session RETURNING last_index",
                r => (long?)r.GetInt64(0), ("$session", sessionId)) ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
            c.Execute($"INSERT INTO messages ({Columns}) VALUES ($session, $idx, $request, $role, $text, $now)",
                ("$session", sessionId), ("$idx", next), ("$request", requestId), ("$role", role), ("$text", text),
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            return next;
        }, cancellationToken);

    public Task<IReadOnlyList<HistoryMessage>> ReadLatestAsync(string sessionId, long lastIndex, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<HistoryMessage>>(c =>
        {
            var rows = c.Query($"SELECT {Columns} FROM messages WHERE session_id = $session AND idx <= $last ORDER BY idx DESC LIMIT $max",
                Map, ("$session", sessionId), ("$last", lastIndex), ("$max", maxCount));
            rows.Reverse();
            return rows;
        }, cancellationToken);

    public Task<IReadOnlyList<HistoryMessage>> ReadRangeAsync(string sessionId, long firstIndex, long lastIndex, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<HistoryMessage>>(c => c.Query(
            $"SELECT {Columns} FROM messages WHERE session_id = $session AND idx BETWEEN $first AND $last ORDER BY idx",
            Map, ("$session", sessionId), ("$first", firstIndex), ("$last", lastIndex)), cancellationToken);

    private static HistoryMessage Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetTimestamp(5));
}

public sealed class SqliteFrameStore(SqliteDatabase database, TimeProvider time) : IFrameStore
{
    public Task<StoredFrame> AppendAsync(string sessionId, string requestId, Func<long, string> render, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var seq = c.QuerySingle("UPDATE sessions SET last_seq = last_seq + 1 WHERE session_id = $session RETURNING last_seq",
                r => (long?)r.GetInt64(0), ("$session", sessionId)) ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
            var json = render(seq);
            c.Execute("INSERT INTO frames (session_id, seq, request_id, json, created_at) VALUES ($session, $seq, $request, $json, $now)",
                ("$session", sessionId), ("$seq", seq), ("$request", requestId), ("$json", json), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            return new StoredFrame(sessionId, seq, requestId, json);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredFrame>> ReadAfterAsync(string sessionId, long afterSeq, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<StoredFrame>>(c => c.Query(
            "SELECT session_id, seq, request_id, json FROM frames WHERE session_id = $session AND seq > $after ORDER BY seq LIMIT $max",
            r => new StoredFrame(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3)),
            ("$session", sessionId), ("$after", afterSeq), ("$max", maxCount)), cancellationToken);
}
