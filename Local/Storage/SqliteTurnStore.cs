using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteTurnStore(SqliteDatabase database, TimeProvider time) : ITurnStore
{
    private const string Columns =
        "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, cancel_requested, user_id, attempt";
    private const string InsertColumns =
        "user_id, request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, attempt";
    private const string ByKey = "user_id = $user AND request_id = $id";

    public Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken) =>
        database.RunAsync(c =>
        {
            var inserted = c.Execute(
                $"INSERT OR IGNORE INTO turns ({InsertColumns}) "
                + "VALUES ($user, $id, $session, $connection, $text, $status, $created, $updated, $error, $attempt)",
                ("$user", turn.UserId), ("$id", turn.RequestId), ("$session", turn.SessionId), ("$connection", turn.ConnectionId),
                ("$text", turn.Text), ("$status", turn.Status.ToString()), ("$created", turn.CreatedAt.ToUnixTimeMilliseconds()),
                ("$updated", turn.UpdatedAt.ToUnixTimeMilliseconds()), ("$error", turn.ErrorCode), ("$attempt", turn.Attempt));
            return (inserted == 1, Read(c, turn.Key)!);
        }, cancellationToken);

    public Task<TurnRecord?> GetAsync(TurnKey key, CancellationToken cancellationToken) =>
        database.RunAsync(c => Read(c, key), cancellationToken);

    public Task<bool> TransitionAsync(TurnKey key, TurnStatus from, TurnStatus to, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            $"UPDATE turns SET status = $to, updated_at = $now WHERE {ByKey} AND status = $from",
            ("$user", key.UserId), ("$id", key.RequestId), ("$from", from.ToString()), ("$to", to.ToString()),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task SetStatusAsync(TurnKey key, TurnStatus status, string? errorCode, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            $"UPDATE turns SET status = $status, error_code = $error, updated_at = $now WHERE {ByKey}",
            ("$user", key.UserId), ("$id", key.RequestId), ("$status", status.ToString()), ("$error", errorCode),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())),
            cancellationToken);

    public Task<bool> ClaimRunAsync(TurnKey key, string runId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            $"UPDATE turns SET status = 'Running', run_id = $run, updated_at = $now WHERE {ByKey} "
            + "AND (status = 'Dispatched' OR (status = 'Running' AND run_id = $run))",
            ("$user", key.UserId), ("$id", key.RequestId), ("$run", runId), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task<TurnRecord?> RetryAsync(TurnKey key, int failedAttempt, CancellationToken cancellationToken) =>
        database.RunAsync(c =>
        {
            var moved = c.Execute(
                "UPDATE turns SET status = 'Queued', attempt = attempt + 1, error_code = NULL, cancel_requested = 0, updated_at = $now "
                + $"WHERE {ByKey} AND status = 'Failed' AND attempt = $attempt",
                ("$user", key.UserId), ("$id", key.RequestId), ("$attempt", failedAttempt),
                ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            return moved == 1 ? Read(c, key) : null;
        }, cancellationToken);

    public Task<bool> IsCancelRequestedAsync(TurnKey key, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            $"SELECT cancel_requested FROM turns WHERE {ByKey}", r => r.GetInt64(0) != 0, ("$user", key.UserId), ("$id", key.RequestId)),
            cancellationToken);

    public Task<bool> RequestCancelAsync(TurnKey key, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET cancel_requested = 1, updated_at = $now "
            + $"WHERE {ByKey} AND status NOT IN ('Completed', 'Failed', 'Cancelled')",
            ("$user", key.UserId), ("$id", key.RequestId), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task<IReadOnlyList<TurnRecord>> ListWaitingAsync(string sessionId, int maxCount, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<TurnRecord>>(c => c.Query(
            $"SELECT {Columns} FROM turns WHERE session_id = $session AND status IN ('Queued', 'Waiting') "
            + "ORDER BY created_at, request_id LIMIT $max",
            Map, ("$session", sessionId), ("$max", maxCount)), cancellationToken);

    public Task<int> CountInFlightForUserAsync(string userId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            "SELECT COUNT(*) FROM turns WHERE user_id = $user AND status IN ('Queued', 'Waiting', 'Dispatched', 'Running')",
            r => r.GetInt32(0), ("$user", userId)), cancellationToken);

    private static TurnRecord? Read(SqliteConnection connection, TurnKey key) =>
        connection.QuerySingle($"SELECT {Columns} FROM turns WHERE {ByKey}", Map, ("$user", key.UserId), ("$id", key.RequestId));

    private static TurnRecord Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Enum.Parse<TurnStatus>(r.GetString(4)),
            r.GetTimestamp(5), r.GetTimestamp(6), r.GetNullableString(7))
        {
            CancelRequested = r.GetInt64(8) != 0,
            UserId = r.GetString(9),
            Attempt = r.GetInt32(10),
        };
}
