using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteSessionStore(SqliteDatabase database, TimeProvider time, TimeSpan ttl) : ISessionStore
{
    private const string Columns = "session_id, created_at, expires_at, last_seq, active_turn, active_turn_until, owner_id, signal";

    public Task<SessionRecord> CreateAsync(string sessionId, string ownerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return database.RunAsync(c =>
        {
            c.Execute("INSERT OR IGNORE INTO sessions (session_id, created_at, expires_at, owner_id) VALUES ($id, $now, $expires, $owner)",
                ("$id", sessionId), ("$now", now.ToUnixTimeMilliseconds()), ("$expires", (now + ttl).ToUnixTimeMilliseconds()),
                ("$owner", ownerId));
            return Read(c, sessionId)!;
        }, cancellationToken);
    }

    public Task<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync(c => Read(c, sessionId), cancellationToken);

    public Task<bool> TryClaimTurnAsync(
        string sessionId, string holder, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            """
            UPDATE sessions SET active_turn = $turn, active_turn_until = $until
            WHERE session_id = $id AND (active_turn IS NULL OR active_turn = $turn OR active_turn_until < $now)
            """,
            ("$id", sessionId), ("$turn", holder), ("$until", until.ToUnixTimeMilliseconds()),
            ("$now", now.ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task SignalAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync(
            c => c.Execute("UPDATE sessions SET signal = signal + 1 WHERE session_id = $id", ("$id", sessionId)), cancellationToken);

    public Task ReleaseTurnAsync(string sessionId, string holder, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE sessions SET active_turn = NULL, active_turn_until = NULL WHERE session_id = $id AND active_turn = $turn",
            ("$id", sessionId), ("$turn", holder)), cancellationToken);

    private static SessionRecord? Read(SqliteConnection connection, string sessionId) =>
        connection.QuerySingle($"SELECT {Columns} FROM sessions WHERE session_id = $id",
            r => new SessionRecord(r.GetString(0), r.GetTimestamp(1), r.GetTimestamp(2), r.GetInt64(3))
            {
                OwnerId = r.GetNullableString(6),
                Signal = r.GetInt64(7),
                ActiveTurn = r.GetNullableString(4),
                ActiveTurnUntil = r.IsDBNull(5) ? null : r.GetTimestamp(5),
            },
            ("$id", sessionId));
}
