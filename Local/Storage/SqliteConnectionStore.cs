using Conduit.Core.Ports;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Storage;

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

    public Task<IReadOnlyList<string>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.RunAsync<IReadOnlyList<string>>(c => c.Query(
            "SELECT connection_id FROM connections WHERE user_id = $user AND expires_at > $now ORDER BY connection_id",
            r => r.GetString(0), ("$user", userId), ("$now", now.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>Removes every connection and subscription, in one transaction; for a host whose sockets all closed.</summary>
    public static void ForgetAll(SqliteDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.Execute("BEGIN; DELETE FROM subscriptions; DELETE FROM connections; COMMIT;");
    }
}
