using System.Runtime.Versioning;
using Conduit.Local.Sqlite;
using Conduit.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Conduit.Tests.Local.Storage;

/// <summary>Opening the database file (damage, modes) and probing whether it can take a write.</summary>
public sealed class SqliteFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("sqlite-file");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void OpenFile_GarbageOverTheFile_ThrowsOneLineNamingTheFileAndWhatToDo()
    {
        var path = _folder.File("chat.db");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256))]);

        var exception = Assert.Throws<SqliteFileException>(() => SqliteDatabase.OpenFile(path));

        Assert.StartsWith(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("move it aside", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', exception.Message);
    }

    [Fact]
    public async Task OpenFile_APageOverwrittenInsideAValidFile_ThrowsDamaged()
    {
        var path = _folder.File("chat.db");
        var database = SqliteDatabase.OpenFile(path);
        database.Execute("PRAGMA journal_mode = DELETE; CREATE TABLE items (text TEXT);");
        for (var i = 0; i < 200; i++) await database.RunAsync(c => c.Execute("INSERT INTO items (text) VALUES (hex(randomblob(500)))"));
        await database.DisposeAsync();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = 4096 * 3;
            file.Write(Enumerable.Repeat((byte)0xA5, 4096).ToArray());
        }

        var exception = Assert.Throws<SqliteFileException>(() => SqliteDatabase.OpenFile(path));

        Assert.Contains("is damaged", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenFile_NewFile_IsReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = _folder.File("chat.db");

        await using (var database = SqliteDatabase.OpenFile(path))
        {
            database.Execute("CREATE TABLE items (text TEXT); INSERT INTO items VALUES ('x');");
            Assert.Equal("600", Mode(path + "-wal"));
        }

        Assert.Equal("600", Mode(path));
    }

    [Fact]
    public async Task ProbeWrite_NoPageLeft_ReturnsSqlitesReasonUntilThereIsRoomAgain()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        database.Execute("CREATE TABLE items (text TEXT)");
        Assert.Null(await database.ProbeWriteAsync());
        var pages = await database.RunAsync(c => c.QuerySingle("PRAGMA page_count", r => r.GetInt64(0)));
        database.Execute($"PRAGMA max_page_count = {pages}");
        FillFreePages(database);

        var full = await database.ProbeWriteAsync();
        var failed = Assert.Throws<SqliteException>(() => database.Execute("INSERT INTO items (text) VALUES (hex(zeroblob(8192)))"));
        database.Execute("PRAGMA max_page_count = 1073741823");

        Assert.Contains("full", full, StringComparison.Ordinal);
        Assert.True(SqliteDatabase.IsOutOfSpace(new InvalidOperationException("wrapped", failed)));
        Assert.Null(await database.ProbeWriteAsync());
    }

    /// <summary>Rows of shrinking size until none fits, so not even a split's worth of pages is left.</summary>
    private static void FillFreePages(SqliteDatabase database)
    {
        foreach (var size in new[] { 8_192, 1_024, 64, 1 })
        {
            while (true)
            {
                try
                {
                    database.Execute($"INSERT INTO items (text) VALUES (hex(zeroblob({size})))");
                }
                catch (SqliteException exception) when (SqliteDatabase.IsOutOfSpace(exception))
                {
                    break;
                }
            }
        }
    }

    [UnsupportedOSPlatform("windows")]
    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
