using Microsoft.Data.Sqlite;

namespace Conduit.Local.Sqlite;

/// <summary>
/// One SQLite connection shared by every local store. SQLite allows a single writer anyway, so one connection
/// behind an async lock is both the simplest correct model and the fastest; it also makes ":memory:" databases
/// (which live and die with their connection) behave exactly like file databases.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteDatabase(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
    }

    /// <summary>A database file, created with its folder when missing. WAL keeps committed work across a process kill.</summary>
    public static SqliteDatabase OpenFile(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        return new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
    }

    public static SqliteDatabase OpenInMemory() =>
        new(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ToString());

    /// <summary>Runs <paramref name="work"/> with exclusive use of the connection.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task RunAsync(Action<SqliteConnection> work, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            work(connection);
            return true;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction: all of it commits, or none of it.</summary>
    public Task<T> InTransactionAsync<T>(
        Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            using var transaction = connection.BeginTransaction();
            connection.UseTransaction(transaction);
            try
            {
                var result = work(connection, transaction);
                transaction.Commit();
                return result;
            }
            finally
            {
                connection.UseTransaction(null);
            }
        }, cancellationToken);

    /// <summary>Runs DDL or other statements with no result, synchronously; meant for schema creation at start-up.</summary>
    public void Execute(string sql)
    {
        _gate.Wait();
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _connection.ForgetStatements();
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
