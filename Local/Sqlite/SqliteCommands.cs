using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Sqlite;

/// <summary>
/// Parameterised statements in one line each, so the stores read as their SQL. Each connection keeps its statements
/// prepared: SQLite's prepare was the largest single cost on the store path, and the stores run the same few dozen
/// statements over and over. Only <see cref="SqliteDatabase"/> hands out its connection, one caller at a time, so the
/// cache needs no lock of its own.
/// </summary>
public static class SqliteCommands
{
    private static readonly ConditionalWeakTable<SqliteConnection, PreparedStatements> Caches = new();

    public static int Execute(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        Prepared(connection, sql, parameters).ExecuteNonQuery();

    public static T? QuerySingle<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var reader = Prepared(connection, sql, parameters).ExecuteReader();
        return reader.Read() ? map(reader) : default;
    }

    public static List<T> Query<T>(
        this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, params (string Name, object? Value)[] parameters)
    {
        using var reader = Prepared(connection, sql, parameters).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(map(reader));
        return rows;
    }

    /// <summary>
    /// Tells the connection's statements which transaction is open; Microsoft.Data.Sqlite refuses a command whose
    /// transaction is not the connection's, and a command prepared earlier does not pick a new one up by itself.
    /// </summary>
    public static void UseTransaction(this SqliteConnection connection, SqliteTransaction? transaction) =>
        Caches.GetOrCreateValue(connection).Transaction = transaction;

    /// <summary>Finalises the connection's prepared statements, which SQLite requires before the connection closes.</summary>
    public static void ForgetStatements(this SqliteConnection connection)
    {
        if (!Caches.TryGetValue(connection, out var cache)) return;
        foreach (var command in cache.Commands.Values) command.Dispose();
        cache.Commands.Clear();
    }

    public static string? GetNullableString(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset GetTimestamp(this SqliteDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static SqliteCommand Prepared(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var cache = Caches.GetOrCreateValue(connection);
        if (!cache.Commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            cache.Commands[sql] = command;
        }
        command.Transaction = cache.Transaction;
        command.Parameters.Clear();
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private sealed class PreparedStatements
    {
        public Dictionary<string, SqliteCommand> Commands { get; } = new(StringComparer.Ordinal);

        public SqliteTransaction? Transaction { get; set; }
    }
}
