using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Storage;

public sealed class SqliteSubscriptionStore(SqliteDatabase database) : ISubscriptionStore
{
    private const string Columns = "session_id, connection_id, delivered_seq, expires_at";

    public Task SubscribeAsync(
        string sessionId,
        string connectionId,
        long deliveredSeq,
        bool resetCursor,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, _) =>
        {
            var parameters = new (string, object?)[]
            {
                ("$session", sessionId), ("$connection", connectionId), ("$seq", deliveredSeq),
                ("$expires", expiresAt.ToUnixTimeMilliseconds()),
            };
            var added = c.Execute(
                """
                INSERT OR IGNORE INTO subscriptions (session_id, connection_id, delivered_seq, expires_at)
                VALUES ($session, $connection, $seq, $expires)
                """, parameters) == 1;
            if (!added)
            {
                c.Execute(
                    resetCursor
                        ? """
                          UPDATE subscriptions SET delivered_seq = $seq, expires_at = $expires
                          WHERE session_id = $session AND connection_id = $connection
                          """
                        : "UPDATE subscriptions SET expires_at = $expires WHERE session_id = $session AND connection_id = $connection",
                    parameters);
            }
            if (added || resetCursor)
                c.Execute("UPDATE sessions SET signal = signal + 1 WHERE session_id = $session", ("$session", sessionId));
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListAsync(string sessionId, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<Subscription>>(c => c.Query(
            $"SELECT {Columns} FROM subscriptions WHERE session_id = $session ORDER BY connection_id",
            Map, ("$session", sessionId)), cancellationToken);

    public Task<Subscription?> TryLeaseAsync(
        string sessionId,
        string connectionId,
        string owner,
        DateTimeOffset now,
        DateTimeOffset until,
        CancellationToken cancellationToken) =>
        database.RunAsync(c => c.QuerySingle(
            $"""
            UPDATE subscriptions SET lease_owner = $owner, lease_until = $until
            WHERE session_id = $session AND connection_id = $connection
                AND (lease_owner IS NULL OR lease_owner = $owner OR lease_until < $now)
            RETURNING {Columns}
            """,
            Map, ("$session", sessionId), ("$connection", connectionId), ("$owner", owner),
            ("$now", now.ToUnixTimeMilliseconds()), ("$until", until.ToUnixTimeMilliseconds())), cancellationToken);

    public Task<bool> TryAdvanceAsync(
        string sessionId, string connectionId, long fromSeq, long toSeq, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync(c => c.Execute(
            """
            UPDATE subscriptions SET delivered_seq = $to
            WHERE session_id = $session AND connection_id = $connection AND delivered_seq = $from
                AND (lease_owner IS NULL OR lease_until < $now)
            """,
            ("$session", sessionId), ("$connection", connectionId), ("$from", fromSeq), ("$to", toSeq),
            ("$now", now.ToUnixTimeMilliseconds())) == 1, cancellationToken);

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
        database.RunAsync(
            c => c.Execute("DELETE FROM subscriptions WHERE connection_id = $connection", ("$connection", connectionId)),
            cancellationToken);

    private static Subscription Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetTimestamp(3));
}
