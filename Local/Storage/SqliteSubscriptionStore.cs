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
        database.RunAsync(c => c.Execute(
            resetCursor
                ? """
                  INSERT INTO subscriptions (session_id, connection_id, delivered_seq, expires_at)
                  VALUES ($session, $connection, $seq, $expires)
                  ON CONFLICT (session_id, connection_id) DO UPDATE SET delivered_seq = $seq, expires_at = $expires
                  """
                : """
                  INSERT INTO subscriptions (session_id, connection_id, delivered_seq, expires_at)
                  VALUES ($session, $connection, $seq, $expires)
                  ON CONFLICT (session_id, connection_id) DO UPDATE SET expires_at = $expires
                  """,
            ("$session", sessionId), ("$connection", connectionId), ("$seq", deliveredSeq),
            ("$expires", expiresAt.ToUnixTimeMilliseconds())),
            cancellationToken);

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
