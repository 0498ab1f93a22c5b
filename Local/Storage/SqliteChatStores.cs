using Conduit.Shared.Chat;
using Conduit.Shared.Ports;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

/// <summary>
/// The chat tables: the same entities and keys as the DynamoDB design, in SQLite. <c>user_version</c> records the
/// schema version, so a data folder from an earlier version is brought up to date instead of failing.
/// </summary>
public static class ChatSchema
{
    public static void Create(SqliteDatabase database)
    {
        var version = database.RunAsync(c => c.QuerySingle("PRAGMA user_version", r => r.GetInt64(0))).GetAwaiter().GetResult();
        if (version < 1) CreateVersion1(database);
        if (version < 2) database.Execute("""
            ALTER TABLE sessions ADD COLUMN active_turn TEXT;
            ALTER TABLE sessions ADD COLUMN active_turn_until INTEGER;
            ALTER TABLE turns ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';
            CREATE INDEX IF NOT EXISTS turns_by_session ON turns (session_id, created_at, request_id);
            CREATE TABLE IF NOT EXISTS subscriptions (
                session_id TEXT NOT NULL, connection_id TEXT NOT NULL, delivered_seq INTEGER NOT NULL,
                lease_owner TEXT, lease_until INTEGER, expires_at INTEGER NOT NULL, PRIMARY KEY (session_id, connection_id));
            CREATE INDEX IF NOT EXISTS subscriptions_by_connection ON subscriptions (connection_id);
            PRAGMA user_version = 2;
            """);
        // With the version bump in the same transaction, an upgrade that fails halfway leaves version 2 to redo.
        if (version < 3) database.Execute("""
            BEGIN;
            ALTER TABLE connections ADD COLUMN user_id TEXT;
            CREATE INDEX IF NOT EXISTS connections_by_user ON connections (user_id, expires_at);
            ALTER TABLE sessions ADD COLUMN owner_id TEXT;
            ALTER TABLE turns ADD COLUMN user_id TEXT;
            CREATE INDEX IF NOT EXISTS turns_by_user ON turns (user_id, status);
            CREATE TABLE IF NOT EXISTS rate_limits (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL);
            PRAGMA user_version = 3;
            COMMIT;
            """);
    }

    private static void CreateVersion1(SqliteDatabase database) => database.Execute("""
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
        PRAGMA user_version = 1;
        """);
}

public sealed class SqliteConnectionStore(SqliteDatabase database) : IConnectionStore
{
    private const string Columns = "connection_id, connected_at, source_ip, user_agent, expires_at, user_id";

    public Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            $"INSERT OR REPLACE INTO connections ({Columns}) VALUES ($id, $connectedAt, $ip, $agent, $expiresAt, $user)",
            ("$id", connection.ConnectionId), ("$connectedAt", connection.ConnectedAt.ToUnixTimeMilliseconds()),
            ("$ip", connection.SourceIp), ("$agent", connection.UserAgent), ("$expiresAt", connection.ExpiresAt.ToUnixTimeMilliseconds()),
            ("$user", connection.UserId)),
            cancellationToken);

    public Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            $"SELECT {Columns} FROM connections WHERE connection_id = $id",
            r => new ConnectionRecord(r.GetString(0), r.GetTimestamp(1), r.GetNullableString(2), r.GetNullableString(3), r.GetTimestamp(4))
            {
                UserId = r.GetNullableString(5),
            },
            ("$id", connectionId)), cancellationToken);

    public Task RemoveAsync(string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute("DELETE FROM connections WHERE connection_id = $id", ("$id", connectionId)), cancellationToken);

    public Task<int> CountForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            "SELECT COUNT(*) FROM connections WHERE user_id = $user AND expires_at > $now",
            r => r.GetInt32(0), ("$user", userId), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);
}

public sealed class SqliteSessionStore(SqliteDatabase database, TimeProvider time, TimeSpan ttl) : ISessionStore
{
    private const string Columns = "session_id, created_at, expires_at, last_seq, active_turn, active_turn_until, owner_id";

    public Task<SessionRecord> CreateAsync(string sessionId, string ownerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return database.RunAsync(c =>
        {
            c.Execute("INSERT OR IGNORE INTO sessions (session_id, created_at, expires_at, owner_id) VALUES ($id, $now, $expires, $owner)",
                ("$id", sessionId), ("$now", now.ToUnixTimeMilliseconds()), ("$expires", (now + ttl).ToUnixTimeMilliseconds()), ("$owner", ownerId));
            return Read(c, sessionId)!;
        }, cancellationToken);
    }

    public Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => Read(c, sessionId), cancellationToken);

    public Task<bool> TryClaimTurnAsync(string sessionId, string requestId, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            """
            UPDATE sessions SET active_turn = $turn, active_turn_until = $until
            WHERE session_id = $id AND (active_turn IS NULL OR active_turn = $turn OR active_turn_until < $now)
            """,
            ("$id", sessionId), ("$turn", requestId), ("$until", until.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task ReleaseTurnAsync(string sessionId, string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE sessions SET active_turn = NULL, active_turn_until = NULL WHERE session_id = $id AND active_turn = $turn",
            ("$id", sessionId), ("$turn", requestId)), cancellationToken);

    private static SessionRecord? Read(SqliteConnection connection, string sessionId) =>
        connection.QuerySingle($"SELECT {Columns} FROM sessions WHERE session_id = $id",
            r => new SessionRecord(r.GetString(0), r.GetTimestamp(1), r.GetTimestamp(2), r.GetInt64(3))
            {
                OwnerId = r.GetNullableString(6),
                ActiveTurn = r.GetNullableString(4),
                ActiveTurnUntil = r.IsDBNull(5) ? null : r.GetTimestamp(5),
            },
            ("$id", sessionId));
}

public sealed class SqliteTurnStore(SqliteDatabase database, TimeProvider time) : ITurnStore
{
    private const string Columns = "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, cancel_requested, user_id";
    private const string InsertColumns = "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, user_id";

    public Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken) =>
        database.RunAsync(c =>
        {
            var inserted = c.Execute($"INSERT OR IGNORE INTO turns ({InsertColumns}) VALUES ($id, $session, $connection, $text, $status, $created, $updated, $error, $user)",
                ("$id", turn.RequestId), ("$session", turn.SessionId), ("$connection", turn.ConnectionId), ("$text", turn.Text),
                ("$status", turn.Status.ToString()), ("$created", turn.CreatedAt.ToUnixTimeMilliseconds()),
                ("$updated", turn.UpdatedAt.ToUnixTimeMilliseconds()), ("$error", turn.ErrorCode), ("$user", turn.UserId));
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

    public Task<bool> IsCancelRequestedAsync(string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle("SELECT cancel_requested FROM turns WHERE request_id = $id", r => r.GetInt64(0) != 0, ("$id", requestId)), cancellationToken);

    public Task<bool> RequestCancelAsync(string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET cancel_requested = 1, updated_at = $now WHERE request_id = $id AND status NOT IN ('Completed', 'Failed', 'Cancelled')",
            ("$id", requestId), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<TurnRecord>>(c => c.Query(
            $"SELECT {Columns} FROM turns WHERE session_id = $session AND status IN ('Queued', 'Waiting') ORDER BY created_at, request_id LIMIT $max",
            Map, ("$session", sessionId), ("$max", maxCount)), cancellationToken);

    public Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            "SELECT COUNT(*) FROM turns WHERE user_id = $user AND status IN ('Queued', 'Waiting', 'Dispatched', 'Running')",
            r => r.GetInt32(0), ("$user", userId)), cancellationToken);

    private static TurnRecord? Read(SqliteConnection connection, string requestId) =>
        connection.QuerySingle($"SELECT {Columns} FROM turns WHERE request_id = $id", Map, ("$id", requestId));

    private static TurnRecord Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<TurnStatus>(r.GetString(4)),
            r.GetTimestamp(5), r.GetTimestamp(6), r.GetNullableString(7))
        {
            CancelRequested = r.GetInt64(8) != 0,
            UserId = r.GetNullableString(9),
        };
}

public sealed class SqliteHistoryStore(SqliteDatabase database, TimeProvider time) : IHistoryStore
{
    private const string Columns = "session_id, idx, request_id, role, text, created_at, status";

    public Task<long> AppendAsync(string sessionId, string requestId, string role, string text, string status, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var existing = c.QuerySingle("SELECT idx FROM messages WHERE session_id = $session AND request_id = $request AND role = $role",
                r => (long?)r.GetInt64(0), ("$session", sessionId), ("$request", requestId), ("$role", role));
            if (existing is { } index) return index;
            var next = c.QuerySingle("UPDATE sessions SET last_index = last_index + 1 WHERE session_id = $session RETURNING last_index",
                r => (long?)r.GetInt64(0), ("$session", sessionId)) ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
            c.Execute($"INSERT INTO messages ({Columns}) VALUES ($session, $idx, $request, $role, $text, $now, $status)",
                ("$session", sessionId), ("$idx", next), ("$request", requestId), ("$role", role), ("$text", text),
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$status", status));
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
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetTimestamp(5)) { Status = r.GetString(6) };
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

public sealed class SqliteSubscriptionStore(SqliteDatabase database) : ISubscriptionStore
{
    private const string Columns = "session_id, connection_id, delivered_seq, expires_at";

    public Task SubscribeAsync(string sessionId, string connectionId, long deliveredSeq, bool resetCursor, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            resetCursor
                ? """
                  INSERT INTO subscriptions (session_id, connection_id, delivered_seq, expires_at) VALUES ($session, $connection, $seq, $expires)
                  ON CONFLICT (session_id, connection_id) DO UPDATE SET delivered_seq = $seq, expires_at = $expires
                  """
                : """
                  INSERT INTO subscriptions (session_id, connection_id, delivered_seq, expires_at) VALUES ($session, $connection, $seq, $expires)
                  ON CONFLICT (session_id, connection_id) DO UPDATE SET expires_at = $expires
                  """,
            ("$session", sessionId), ("$connection", connectionId), ("$seq", deliveredSeq), ("$expires", expiresAt.ToUnixTimeMilliseconds())),
            cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<Subscription>>(c => c.Query(
            $"SELECT {Columns} FROM subscriptions WHERE session_id = $session ORDER BY connection_id",
            Map, ("$session", sessionId)), cancellationToken);

    public Task<Subscription?> TryLeaseAsync(string sessionId, string connectionId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            $"""
            UPDATE subscriptions SET lease_owner = $owner, lease_until = $until
            WHERE session_id = $session AND connection_id = $connection AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until < $now)
            RETURNING {Columns}
            """,
            Map, ("$session", sessionId), ("$connection", connectionId), ("$owner", owner),
            ("$now", now.ToUnixTimeMilliseconds()), ("$until", until.ToUnixTimeMilliseconds())), cancellationToken);

    public Task ReleaseAsync(string sessionId, string connectionId, string owner, long deliveredSeq, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            """
            UPDATE subscriptions SET delivered_seq = $seq, lease_owner = NULL, lease_until = NULL
            WHERE session_id = $session AND connection_id = $connection AND lease_owner = $owner
            """,
            ("$session", sessionId), ("$connection", connectionId), ("$owner", owner), ("$seq", deliveredSeq)), cancellationToken);

    public Task RemoveAsync(string sessionId, string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "DELETE FROM subscriptions WHERE session_id = $session AND connection_id = $connection",
            ("$session", sessionId), ("$connection", connectionId)), cancellationToken);

    public Task RemoveConnectionAsync(string connectionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute("DELETE FROM subscriptions WHERE connection_id = $connection", ("$connection", connectionId)), cancellationToken);

    private static Subscription Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetTimestamp(3));
}

/// <summary>
/// Token buckets in the <c>rate_limits</c> table. Read, refill, take and write run in one transaction on the one
/// connection every store shares, so concurrent takes are applied one after another and never take a token twice.
/// A refusal writes nothing.
/// </summary>
public sealed class SqliteRateLimitStore(SqliteDatabase database) : IRateLimitStore
{
    public Task<RateLimitDecision> TryTakeAsync(string key, RateLimit limit, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var bucket = c.QuerySingle("SELECT tokens, updated_at FROM rate_limits WHERE key = $key",
                r => new TokenBucket(r.GetDouble(0), r.GetTimestamp(1)), ("$key", key)) ?? TokenBucket.Full(limit, now);
            var (next, decision) = bucket.Take(limit, now);
            if (decision.Allowed)
            {
                c.Execute(
                    """
                    INSERT INTO rate_limits (key, tokens, updated_at) VALUES ($key, $tokens, $updatedAt)
                    ON CONFLICT (key) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at
                    """,
                    ("$key", key), ("$tokens", next.Tokens), ("$updatedAt", next.UpdatedAt.ToUnixTimeMilliseconds()));
            }
            return decision;
        }, cancellationToken);
}
