using Conduit.Local.Sqlite;

namespace Conduit.Tests.StepFunctions;

/// <summary>A SQLite database file in the temp folder that outlives the connections opened on it, deleted on dispose.</summary>
internal sealed class TemporaryDatabaseFile : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"conduit-sfn-{Guid.NewGuid():N}.db");

    /// <summary>A new connection to the file, as a restarted host would open.</summary>
    public SqliteDatabase Open() => SqliteDatabase.OpenFile(Path);

    public void Dispose()
    {
        foreach (var file in new[] { Path, $"{Path}-wal", $"{Path}-shm" }) File.Delete(file);
    }
}
