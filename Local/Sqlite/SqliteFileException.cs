using Microsoft.Data.Sqlite;

namespace Conduit.Local.Sqlite;

/// <summary>
/// A database file that cannot be used, with a one-line message naming the file and what to do; an
/// <see cref="IOException"/>, so a host that reports I/O problems at start-up reports this one the same way.
/// </summary>
public sealed class SqliteFileException : IOException
{
    public SqliteFileException()
    {
    }

    public SqliteFileException(string message)
        : base(message)
    {
    }

    public SqliteFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static SqliteFileException Damaged(string path, string detail) => new(
        $"{path} is damaged ({Flatten(detail)}); move it aside (with its -wal and -shm files) to start with an empty "
        + "database, or restore it from a backup.");

    public static SqliteFileException Unopenable(string path, SqliteException exception) =>
        new($"{path} could not be opened: {Flatten(exception.Message)}", exception);

    private static string Flatten(string text) => text.ReplaceLineEndings(" ").Trim();
}
