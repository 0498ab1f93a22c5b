using Conduit.Core.Ports;
using Conduit.Local.Sqlite;
using Conduit.Local.Storage;

namespace Conduit.Tests.Local.Storage;

/// <summary>A data folder from an earlier version is brought up to date, keeping what it holds.</summary>
public sealed class SqliteSchemaTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The schema as version 1 shipped it, with one row in each table a later version extends.</summary>
    private const string Version1WithRows = """
        CREATE TABLE connections (
            connection_id TEXT PRIMARY KEY, connected_at INTEGER NOT NULL, source_ip TEXT, user_agent TEXT, expires_at INTEGER NOT NULL);
        CREATE TABLE sessions (
            session_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0, last_index INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE turns (
            request_id TEXT PRIMARY KEY, session_id TEXT NOT NULL, connection_id TEXT NOT NULL, text TEXT NOT NULL,
            status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, error_code TEXT);
        CREATE TABLE messages (
            session_id TEXT NOT NULL, idx INTEGER NOT NULL, request_id TEXT NOT NULL, role TEXT NOT NULL, text TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, idx), UNIQUE (session_id, request_id, role));
        CREATE TABLE frames (
            session_id TEXT NOT NULL, seq INTEGER NOT NULL, request_id TEXT NOT NULL, json TEXT NOT NULL,
            created_at INTEGER NOT NULL, PRIMARY KEY (session_id, seq));
        PRAGMA user_version = 1;
        INSERT INTO connections VALUES ('c-1', 1740830400000, '203.0.113.7', 'wscat', 1740837600000);
        INSERT INTO sessions VALUES ('s-1', 1740830400000, 1740916800000, 2, 1);
        INSERT INTO turns VALUES ('r-1', 's-1', 'c-1', 'hello', 'Running', 1740830400000, 1740830400000, NULL);
        """;

    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    private Task<long> VersionAsync() => _database.RunAsync(c => c.QuerySingle("PRAGMA user_version", r => r.GetInt64(0)), _timeout.Token);

    [Fact]
    public async Task Create_Version1Database_UpgradesToVersion5KeepingEveryRowWithoutUsers()
    {
        _database.Execute(Version1WithRows);

        ChatSchema.Create(_database);

        Assert.Equal(5, await VersionAsync());
        var connection = await new SqliteConnectionStore(_database).GetAsync("c-1", _timeout.Token);
        var session = await new SqliteSessionStore(_database, TimeProvider.System, TimeSpan.FromHours(24)).GetAsync("s-1", _timeout.Token);
        var turn = await new SqliteTurnStore(_database, TimeProvider.System).GetAsync(new TurnKey("", "r-1"), _timeout.Token);
        Assert.Equal(new ConnectionRecord("c-1", Start, "203.0.113.7", "wscat", Start.AddHours(2)), connection);
        Assert.Equal(new SessionRecord("s-1", Start, Start.AddHours(24), 2), session);
        Assert.Equal(new TurnRecord("r-1", "s-1", "c-1", "hello", TurnStatus.Running, Start, Start, null) { UserId = "" }, turn);
    }

    [Fact]
    public async Task Create_Version1Database_GivesItTheUserColumnsAndRateLimits()
    {
        _database.Execute(Version1WithRows);

        ChatSchema.Create(_database);

        var connections = new SqliteConnectionStore(_database);
        await connections.AddAsync(new ConnectionRecord("c-2", Start, null, null, Start.AddHours(2)) { UserId = "u-1" }, _timeout.Token);
        Assert.Equal(1, await connections.CountForUserAsync("u-1", Start, _timeout.Token));
        Assert.True((await new SqliteRateLimitStore(_database).TryTakeAsync("u-1", new RateLimit(1, 1), Start, _timeout.Token)).Allowed);
    }

    [Fact]
    public async Task Create_CurrentDatabase_ChangesNothing()
    {
        ChatSchema.Create(_database);
        var sessions = new SqliteSessionStore(_database, TimeProvider.System, TimeSpan.FromHours(24));
        var created = await sessions.CreateAsync("s-1", "u-1", _timeout.Token);

        ChatSchema.Create(_database);

        Assert.Equal(5, await VersionAsync());
        Assert.Equal(created, await sessions.GetAsync("s-1", _timeout.Token));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _timeout.Dispose();
    }
}
