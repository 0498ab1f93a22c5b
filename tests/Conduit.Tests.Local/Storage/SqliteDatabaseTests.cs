using Conduit.Local.Sqlite;

namespace Conduit.Tests.Local.Storage;

/// <summary>The prepared statements the stores reuse, across transactions that commit and ones that fail.</summary>
public sealed class SqliteDatabaseTests : IAsyncLifetime
{
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();

    public Task InitializeAsync()
    {
        _database.Execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task InTransaction_StatementPreparedOutsideBefore_JoinsTheTransaction()
    {
        await _database.RunAsync(c => c.Execute("INSERT INTO items (id, name) VALUES ($id, $name)", ("$id", 1), ("$name", "before")));

        await _database.InTransactionAsync(
            (c, _) => c.Execute("INSERT INTO items (id, name) VALUES ($id, $name)", ("$id", 2), ("$name", "inside")));
        await _database.RunAsync(c => c.Execute("INSERT INTO items (id, name) VALUES ($id, $name)", ("$id", 3), ("$name", "after")));

        Assert.Equal(["before", "inside", "after"], await NamesAsync());
    }

    [Fact]
    public async Task InTransaction_WorkThrows_RollsBackAndLaterStatementsStillRun()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => _database.InTransactionAsync<int>((c, _) =>
        {
            c.Execute("INSERT INTO items (id, name) VALUES ($id, $name)", ("$id", 1), ("$name", "rolled back"));
            throw new InvalidOperationException("fails halfway");
        }));

        await _database.RunAsync(c => c.Execute("INSERT INTO items (id, name) VALUES ($id, $name)", ("$id", 1), ("$name", "kept")));

        Assert.Equal(["kept"], await NamesAsync());
    }

    [Fact]
    public async Task Query_SameStatementWithNewParameters_BindsTheNewValues()
    {
        await _database.RunAsync(c => c.Execute("INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two')"));

        var first = await _database.RunAsync(c => c.QuerySingle("SELECT name FROM items WHERE id = $id", r => r.GetString(0), ("$id", 1)));
        var second = await _database.RunAsync(c => c.QuerySingle("SELECT name FROM items WHERE id = $id", r => r.GetString(0), ("$id", 2)));

        Assert.Equal(("one", "two"), (first, second));
    }

    private Task<List<string>> NamesAsync() =>
        _database.RunAsync(c => c.Query("SELECT name FROM items ORDER BY id", r => r.GetString(0)));
}
