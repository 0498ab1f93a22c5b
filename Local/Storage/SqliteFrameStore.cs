using Conduit.Core.Ports;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteFrameStore(SqliteDatabase database, TimeProvider time) : IFrameStore
{
    public Task<AppendedFrame> AppendAsync(
        string sessionId, string requestId, Func<long, string> render, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var (seq, signal) = c.QuerySingle(
                    "UPDATE sessions SET last_seq = last_seq + 1 WHERE session_id = $session RETURNING last_seq, signal",
                    r => ((long, long)?)(r.GetInt64(0), r.GetInt64(1)), ("$session", sessionId))
                ?? throw new InvalidOperationException($"Session {sessionId} does not exist.");
            var json = render(seq);
            c.Execute("INSERT INTO frames (session_id, seq, request_id, json, created_at) VALUES ($session, $seq, $request, $json, $now)",
                ("$session", sessionId), ("$seq", seq), ("$request", requestId), ("$json", json),
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            return new AppendedFrame(new StoredFrame(sessionId, seq, requestId, json), signal);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredFrame>> ReadAfterAsync(
        string sessionId, long afterSeq, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<StoredFrame>>(c => c.Query(
            "SELECT session_id, seq, request_id, json FROM frames WHERE session_id = $session AND seq > $after ORDER BY seq LIMIT $max",
            r => new StoredFrame(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3)),
            ("$session", sessionId), ("$after", afterSeq), ("$max", maxCount)), cancellationToken);
}
