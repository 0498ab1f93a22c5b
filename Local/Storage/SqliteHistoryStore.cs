using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteHistoryStore(SqliteDatabase database, TimeProvider time) : IHistoryStore
{
    private const string Columns = "session_id, idx, request_id, role, text, created_at, status";

    public Task<long> AppendAsync(
        string sessionId, string requestId, string role, string text, string status, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var existing = c.QuerySingle("SELECT idx FROM messages WHERE session_id = $session AND request_id = $request AND role = $role",
                r => (long?)r.GetInt64(0), ("$session", sessionId), ("$request", requestId), ("$role", role));
            if (existing is { } index) return index;
            var next = c.QuerySingle("UPDATE sessions SET last_index = last_index + 1 WHERE session_id = $session RETURNING last_index",
                    r => (long?)r.GetInt64(0), ("$session", sessionId))
                ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
            c.Execute($"INSERT INTO messages ({Columns}) VALUES ($session, $idx, $request, $role, $text, $now, $status)",
                ("$session", sessionId), ("$idx", next), ("$request", requestId), ("$role", role), ("$text", text),
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$status", status));
            return next;
        }, cancellationToken);

    public Task<IReadOnlyList<HistoryMessage>> ReadLatestAsync(
        string sessionId, long lastIndex, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<HistoryMessage>>(c =>
        {
            var rows = c.Query($"SELECT {Columns} FROM messages WHERE session_id = $session AND idx <= $last ORDER BY idx DESC LIMIT $max",
                Map, ("$session", sessionId), ("$last", lastIndex), ("$max", maxCount));
            rows.Reverse();
            return rows;
        }, cancellationToken);

    public Task<IReadOnlyList<HistoryMessage>> ReadRangeAsync(
        string sessionId, long firstIndex, long lastIndex, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<HistoryMessage>>(c => c.Query(
            $"SELECT {Columns} FROM messages WHERE session_id = $session AND idx BETWEEN $first AND $last ORDER BY idx",
            Map, ("$session", sessionId), ("$first", firstIndex), ("$last", lastIndex)), cancellationToken);

    private static HistoryMessage Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetTimestamp(5)) { Status = r.GetString(6) };
}
