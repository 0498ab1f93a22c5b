using System.Runtime.Versioning;
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

    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteNotADatabase = 26;

    private const int ProbePages = 8;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private SqliteDatabase(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A database file, created with its folder when missing. WAL keeps committed work across a process kill. The file is
    /// readable by its owner only (SQLite gives its -wal and -shm files the same mode), because it holds people's
    /// conversations.
    /// </summary>
    /// <exception cref="SqliteFileException">The file is damaged or cannot be opened; the message names it and says what to do.</exception>
    public static SqliteDatabase OpenFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath);
        if (folder is not null) Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows()) CreateOwnerOnly(fullPath);
        SqliteDatabase? database = null;
        try
        {
            database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString());
            if (database.QuickCheck() is { } damage) throw SqliteFileException.Damaged(fullPath, damage);
            return database;
        }
        catch (Exception exception) when (exception is SqliteException or SqliteFileException)
        {
            database?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw exception switch
            {
                SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADatabase } =>
                    SqliteFileException.Damaged(fullPath, exception.Message),
                SqliteException sqlite => SqliteFileException.Unopenable(fullPath, sqlite),
                _ => exception,
            };
        }
    }

    public static SqliteDatabase OpenInMemory() =>
        new(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ToString());

    /// <summary>True when <paramref name="exception"/> (or one it wraps) is SQLite saying the database or the disk is full.</summary>
    public static bool IsOutOfSpace(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is SqliteException { SqliteErrorCode: SqliteFull }) return true;
        }
        return false;
    }

    /// <summary>
    /// Commits a write that needs <see cref="ProbePages"/> pages more than the database has free (a row that size,
    /// deleted again in the same transaction): null when that works, else SQLite's reason. A store write can need
    /// several new pages at once (a b-tree split), so one free page is not room enough to call the store writable.
    /// </summary>
    public Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default) =>
        RunAsync(connection =>
        {
            try
            {
                using var transaction = connection.BeginTransaction();
                using var probe = connection.CreateCommand();
                probe.Transaction = transaction;
                probe.Parameters.AddWithValue("$pages", ProbePages);
                probe.CommandText = """
                    CREATE TABLE IF NOT EXISTS write_probe (b BLOB);
                    INSERT INTO write_probe (b) SELECT zeroblob(page_size * $pages) FROM pragma_page_size();
                    DELETE FROM write_probe;
                    """;
                probe.ExecuteNonQuery();
                transaction.Commit();
                return null;
            }
            catch (SqliteException exception) when (IsOutOfSpace(exception))
            {
                return (string?)exception.Message;
            }
        }, cancellationToken);

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

    /// <summary>The first problem <c>PRAGMA quick_check</c> finds, or null when the file reads as a whole database.</summary>
    private string? QuickCheck()
    {
        _gate.Wait();
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(1)";
            var result = command.ExecuteScalar() as string;
            return result == "ok" ? null : result ?? "quick_check returned nothing";
        }
        finally
        {
            _gate.Release();
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnly(string path)
    {
        if (!File.Exists(path))
        {
            using var created = new FileStream(
                path, new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, UnixCreateMode = OwnerOnly });
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
        {
            if (File.Exists(file)) File.SetUnixFileMode(file, OwnerOnly);
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
