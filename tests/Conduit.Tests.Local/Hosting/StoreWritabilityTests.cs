using System.Text;
using Conduit.Local.Hosting;
using Conduit.Local.Lambda;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Local.Hosting;

/// <summary>
/// Work that SQLite refused as full (a real SQLITE_FULL, from the connection's page limit) runs again once the store
/// can write; the handlers' own failures are scripted, as failure paths may be.
/// </summary>
public sealed class StoreWritabilityTests : IAsyncLifetime
{
    private const string Failed = """{"batchItemFailures":[{"itemIdentifier":"m-1"}]}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly ApplicationLifetime _lifetime = new(NullLogger<ApplicationLifetime>.Instance);
    private readonly StoreWritability _writability;

    public StoreWritabilityTests() =>
        _writability = new StoreWritability(_database, TimeProvider.System, _lifetime, NullLogger<StoreWritability>.Instance);

    public Task InitializeAsync()
    {
        _database.Execute("CREATE TABLE items (text TEXT)");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task RunningBatchAgainWhenFull_BatchFailsWhileTheStoreIsFull_RunsItAgainOnceItCanWrite()
    {
        var runs = 0;
        LambdaHandler consumer = _ => Task.FromResult(Respond(Interlocked.Increment(ref runs) == 1 ? Failed : "{}"));
        await FillAsync();

        var batch = _writability.RunningBatchAgainWhenFull("dispatcher", consumer)(Request());
        await _writability.FirstWaitForSpace.WaitAsync(Patience);
        var runsWhileFull = runs;
        _database.Execute("PRAGMA max_page_count = 1073741823");

        Assert.Equal("{}", await ReadAsync(await batch.WaitAsync(Patience)));
        Assert.Equal((1, 2), (runsWhileFull, runs));
    }

    [Fact]
    public async Task RunningBatchAgainWhenFull_BatchFailsWhileTheStoreCanWrite_ReturnsTheFailuresAsTheyAre()
    {
        var runs = 0;
        LambdaHandler consumer = _ => Task.FromResult(Respond(Failed, () => runs++));

        var response = await _writability.RunningBatchAgainWhenFull("dispatcher", consumer)(Request()).WaitAsync(Patience);

        Assert.Equal(Failed, await ReadAsync(response));
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task RunningAgainWhenFull_StepRefusedAsFull_RunsAgainWithTheSameInputOnceTheStoreCanWrite()
    {
        var inputs = new List<string>();
        LambdaHandler step = async input =>
        {
            inputs.Add(await ReadAsync(input));
            await _database.RunAsync(c => c.Execute("INSERT INTO items (text) VALUES (hex(zeroblob(20000)))"));
            return Respond("done");
        };
        await FillAsync();

        var run = _writability.RunningAgainWhenFull("Stream", step)(Request());
        await _writability.FirstWaitForSpace.WaitAsync(Patience);
        _database.Execute("PRAGMA max_page_count = 1073741823");

        Assert.Equal("done", await ReadAsync(await run.WaitAsync(Patience)));
        Assert.Equal(["{}", "{}"], inputs);
    }

    private async Task FillAsync()
    {
        var pages = await _database.RunAsync(c => c.QuerySingle("PRAGMA page_count", r => r.GetInt64(0)));
        _database.Execute($"PRAGMA max_page_count = {pages}");
        foreach (var size in new[] { 8_192, 1_024, 64, 1 })
        {
            while (true)
            {
                try
                {
                    _database.Execute($"INSERT INTO items (text) VALUES (hex(zeroblob({size})))");
                }
                catch (SqliteException exception) when (SqliteDatabase.IsOutOfSpace(exception))
                {
                    break;
                }
            }
        }
    }

    private static MemoryStream Request() => new("{}"u8.ToArray());

    private static Stream Respond(string text, Action? onRun = null)
    {
        onRun?.Invoke();
        return new MemoryStream(Encoding.UTF8.GetBytes(text));
    }

    private static async Task<string> ReadAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
