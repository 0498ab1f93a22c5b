using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Model;
using Conduit.Local.Sqlite;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// SQLite answering SQLITE_FULL (the page limit of the connection reached: SQLite's own error, no fake): health says
/// so, and an acknowledged turn waits for space and completes once there is some, without a restart.
/// </summary>
public sealed class StoreFullTests : IAsyncLifetime
{
    private const int SqliteFull = 13;

    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync(options => options with
    {
        Model = new OfflineModelOptions { FirstTokenDelay = TimeSpan.Zero, TokenDelay = TimeSpan.FromMilliseconds(20) },
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Healthz_StoreCannotWrite_Answers503WithTheReasonAndReadyOnceItCan()
    {
        using var http = _host.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

        await FillAsync();
        var full = await http.GetAsync("/healthz");
        var reason = (await full.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Contains("full", reason, StringComparison.OrdinalIgnoreCase);
        MakeRoom();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Turn_StoreFillsMidAnswer_WaitsAndCompletesOnceSpaceReturns()
    {
        await using var chat = await _host.ConnectAsync(user: "full");
        await chat.SendMessageAsync("full-1", "Tell me everything about the pipeline");
        var sessionId = (await chat.AckAsync("full-1")).GetProperty("sessionId").GetString()!;
        await chat.ReadUntilAsync("token");

        await FillAsync();
        await _host.Services.GetRequiredService<StoreWritability>().FirstWaitForSpace.WaitAsync(ChatConnection.DefaultPatience);
        var stalled = await _host.Services.GetRequiredService<ITurnStore>().GetAsync(new TurnKey("full", "full-1"), default);
        MakeRoom();
        await chat.ReadUntilAsync("done");

        Assert.NotEqual(TurnStatus.Completed, stalled!.Status);
        await using var resumed = await _host.ConnectAsync(user: "full");
        await resumed.ResumeAsync(sessionId, 0);
        var frames = (await resumed.ReadUntilAsync("done")).Where(f => f.TryGetProperty("seq", out _)).ToList();
        var lastSeq = frames.Max(f => f.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(1, (int)lastSeq).Select(i => (long)i), TurnText.CoveredSeqs(frames));
        Assert.Single(frames, f => ChatFrames.Is(f, "done", "full-1"));
        Assert.DoesNotContain(frames, f => ChatFrames.Is(f, "error"));
        using var http = _host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", await _host.TokenForAsync("full"));
        var history = await http.GetFromJsonAsync<JsonElement>($"/local/sessions/{sessionId}/history");
        var answer = history.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal(TurnText.Of(frames, "full-1"), answer.GetProperty("text").GetString());
    }

    /// <summary>
    /// Caps the database at the pages it has and fills the free ones, so from here every write that needs a page more
    /// gets SQLITE_FULL from SQLite.
    /// </summary>
    private async Task FillAsync()
    {
        var database = _host.Services.GetRequiredService<SqliteDatabase>();
        database.Execute("CREATE TABLE IF NOT EXISTS test_filler (b BLOB)");
        var pages = await database.RunAsync(c => c.QuerySingle("PRAGMA page_count", r => r.GetInt64(0)));
        database.Execute($"PRAGMA max_page_count = {pages}");
        foreach (var size in new[] { 65_536, 4_096, 512, 64, 1 })
        {
            while (true)
            {
                try
                {
                    database.Execute($"INSERT INTO test_filler (b) VALUES (zeroblob({size}))");
                }
                catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteFull)
                {
                    break;
                }
            }
        }
    }

    private void MakeRoom() => _host.Services.GetRequiredService<SqliteDatabase>().Execute("PRAGMA max_page_count = 1073741823");
}
