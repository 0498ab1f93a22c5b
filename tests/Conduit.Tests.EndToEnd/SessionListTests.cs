using System.Net;
using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>The conversation list over real sockets and HTTP: listSessions, renameSession, deleteSession and GET /local/sessions.</summary>
public sealed class SessionListTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(options => options with { Model = options.Model with { TokenDelay = TimeSpan.Zero } });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<string> AnsweredSessionAsync(ChatConnection connection, string requestId, string question)
    {
        await connection.SendMessageAsync(requestId, question);
        var sessionId = (await connection.AckAsync(requestId)).GetProperty("sessionId").GetString()!;
        await connection.ReadTurnAsync(requestId);
        return sessionId;
    }

    private static async Task<JsonElement> ReplyAsync(ChatConnection connection, object frame, string type)
    {
        await connection.SendAsync(frame);
        return (await connection.ReadUntilAsync(f => f.GetProperty("type").GetString() is var t && (t == type || t == "error")))[^1].Frame;
    }

    private static string[] SessionIds(JsonElement frame) =>
        [.. frame.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetString()!)];

    [Fact]
    public async Task ListSessions_TwoConversations_NewestFirstTitledByTheirFirstQuestion_AndOnlyTheOwners()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        var older = await AnsweredSessionAsync(alice, "list-1", "What is a seq?");
        var newer = await AnsweredSessionAsync(alice, "list-2", "How does resume work?");
        await using var bob = await _host.ConnectAsync(user: "bob");
        await AnsweredSessionAsync(bob, "list-3", "Bob's question");

        var page = await ReplyAsync(alice, new { action = "listSessions" }, "sessions");

        Assert.Equal([newer, older], SessionIds(page));
        Assert.Equal(
            ["How does resume work?", "What is a seq?"],
            page.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("title").GetString()));
        Assert.False(page.TryGetProperty("nextCursor", out _));
    }

    [Fact]
    public async Task GetSessions_PagedWithACursor_ReturnsEachOfTheOwnersSessionsOnce_AndRefusesNoToken()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        var created = new List<string>();
        for (var i = 0; i < 3; i++) created.Add(await AnsweredSessionAsync(alice, $"page-{i}", $"Question {i}"));
        using var http = await _host.CreateHttpClientForAsync("alice");

        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var after = cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor);
            var response = await http.GetAsync("/local/sessions?limit=2" + after);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            listed.AddRange(SessionIds(page));
            cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), listed);
        using var anonymous = _host.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/local/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/local/sessions?cursor=not-a-cursor")).StatusCode);
    }

    [Fact]
    public async Task RenameAndDelete_ByTheOwner_AreToldToTheOwnersOtherConnection_AndRemoveHistoryAndFrames()
    {
        await using var laptop = await _host.ConnectAsync(user: "alice");
        var sessionId = await AnsweredSessionAsync(laptop, "rd-1", "Rename me");
        await using var phone = await _host.ConnectAsync(user: "alice");

        var renamed = await ReplyAsync(laptop, new { action = "renameSession", sessionId, title = "  Renamed  " }, "sessionRenamed");
        Assert.Equal("Renamed", renamed.GetProperty("title").GetString());
        Assert.Equal("Renamed", (await phone.ReadUntilAsync("sessionRenamed"))[^1].GetProperty("title").GetString());
        var listed = await ReplyAsync(laptop, new { action = "listSessions" }, "sessions");
        Assert.Equal("Renamed", listed.GetProperty("sessions")[0].GetProperty("title").GetString());

        var deleted = await ReplyAsync(laptop, new { action = "deleteSession", sessionId }, "sessionDeleted");

        Assert.Equal(sessionId, deleted.GetProperty("sessionId").GetString());
        Assert.Equal(sessionId, (await phone.ReadUntilAsync("sessionDeleted"))[^1].GetProperty("sessionId").GetString());
        Assert.Empty(SessionIds(await ReplyAsync(laptop, new { action = "listSessions" }, "sessions")));
        Assert.Empty(await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(sessionId, long.MaxValue, 10, default));
        Assert.Empty(await _host.Services.GetRequiredService<IFrameStore>().ReadAfterAsync(sessionId, 0, 10, default));
        var resumed = await ReplyAsync(laptop, new { action = "resume", sessionId, afterSeq = 0 }, "resumed");
        Assert.Equal("session_not_found", resumed.GetProperty("code").GetString());
    }

    [Fact]
    public async Task RenameAndDelete_AnotherUsersSession_AreForbiddenAndChangeNothing()
    {
        await using var alice = await _host.ConnectAsync(user: "alice");
        var sessionId = await AnsweredSessionAsync(alice, "own-1", "Mine");
        await using var mallory = await _host.ConnectAsync(user: "mallory");

        var rename = await ReplyAsync(mallory, new { action = "renameSession", sessionId, title = "pwned" }, "sessionRenamed");
        var delete = await ReplyAsync(mallory, new { action = "deleteSession", sessionId }, "sessionDeleted");

        Assert.Equal("forbidden", rename.GetProperty("code").GetString());
        Assert.Equal("forbidden", delete.GetProperty("code").GetString());
        var listed = await ReplyAsync(alice, new { action = "listSessions" }, "sessions");
        Assert.Equal([sessionId], SessionIds(listed));
        Assert.Equal("Mine", listed.GetProperty("sessions")[0].GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("""{"action":"renameSession","sessionId":"s1"}""", "missing_field")]
    [InlineData("""{"action":"renameSession","sessionId":"s1","title":"   "}""", "empty_text")]
    [InlineData("""{"action":"renameSession","sessionId":"s1","title":"a\nb"}""", "invalid_field")]
    [InlineData("""{"action":"deleteSession","sessionId":"../x"}""", "invalid_field")]
    [InlineData("""{"action":"listSessions","limit":0}""", "invalid_field")]
    [InlineData("""{"action":"listSessions","cursor":"zzz"}""", "invalid_field")]
    [InlineData("""{"action":"deleteSession","sessionId":"nosuchsession"}""", "session_not_found")]
    public async Task SessionActions_BadInput_GetAClearErrorAndTheConnectionStaysUsable(string frame, string code)
    {
        await using var alice = await _host.ConnectAsync(user: "alice");

        await alice.SendTextAsync(frame);
        var error = (await alice.ReadUntilAsync("error"))[^1];
        await alice.PingAsync();

        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.NotEmpty(error.GetProperty("message").GetString()!);
        await alice.ReadUntilAsync("pong");
    }
}
