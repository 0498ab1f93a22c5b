using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteTurnStore(SqliteDatabase database, TimeProvider time) : ITurnStore
{
    private const string Columns =
        "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, cancel_requested, user_id";
    private const string InsertColumns = "request_id, session_id, connection_id, text, status, created_at, updated_at, error_code, user_id";

    public Task<(bool Created, TurnRecord Turn)> CreateAsync(TurnRecord turn, CancellationToken cancellationToken) =>
        database.RunAsync(c =>
        {
            var inserted = c.Execute(
                $"INSERT OR IGNORE INTO turns ({InsertColumns}) "
                + "VALUES ($id, $session, $connection, $text, $status, $created, $updated, $error, $user)",
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
            ("$id", requestId), ("$from", from.ToString()), ("$to", to.ToString()),
            ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
            cancellationToken);

    public Task SetStatusAsync(string requestId, TurnStatus status, string? errorCode, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET status = $status, error_code = $error, updated_at = $now WHERE request_id = $id",
            ("$id", requestId), ("$status", status.ToString()), ("$error", errorCode), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())),
            cancellationToken);

    public Task<bool> IsCancelRequestedAsync(string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            "SELECT cancel_requested FROM turns WHERE request_id = $id", r => r.GetInt64(0) != 0, ("$id", requestId)), cancellationToken);

    public Task<bool> RequestCancelAsync(string requestId, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            "UPDATE turns SET cancel_requested = 1, updated_at = $now "
            + "WHERE request_id = $id AND status NOT IN ('Completed', 'Failed', 'Cancelled')",
            ("$id", requestId), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds())) == 1,
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
