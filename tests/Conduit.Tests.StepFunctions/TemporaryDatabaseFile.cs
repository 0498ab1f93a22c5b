using Conduit.Local.Sqlite;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// A SQLite database file that outlives the connections opened on it, in a temporary folder of its own: deleting the
/// folder takes the -wal and -shm files SQLite keeps beside it as well.
/// </summary>
internal sealed class TemporaryDatabaseFile : IDisposable
{
    private readonly TemporaryFolder _folder = new("sfn");

    public string Path => _folder.File("executions.db");

    /// <summary>A new connection to the file, as a restarted host would open.</summary>
    public SqliteDatabase Open() => SqliteDatabase.OpenFile(Path);

    public void Dispose() => _folder.Dispose();
}
