using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd;

/// <summary>The session layer over real sockets: resume, multi-device, cancel, exactly-once and ordered turns.</summary>
public sealed class SessionTests(ProcessesModeHost processes) : IAsyncLifetime, IClassFixture<ProcessesModeHost>
{
    private LocalStackHost _host = null!;
    private LocalStackHost? _processesHost;
    private CountingChatClient _model = null!;

    /// <summary>The host a test runs against: this test's own in-process one, or the class's processes-mode one.</summary>
    private LocalStackHost Host => _processesHost ?? _host;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            SlowTokens,
            services => services.AddSingleton<IChatClient>(sp => _model = new CountingChatClient(new OfflineChatClient(
                sp.GetRequiredService<LocalHostOptions>().Model,
                ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                TimeProvider.System))));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static LocalHostOptions SlowTokens(LocalHostOptions options) =>
        options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(15) } };

    private async Task UseAsync(FunctionsMode mode)
    {
        if (mode == FunctionsMode.Processes) _processesHost = await processes.HostAsync(SlowTokens);
    }

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task Resume_AfterADropMidTurn_ReplaysTheRestThenLive_WithNoGapOrRepeat(FunctionsMode mode)
    {
        await UseAsync(mode);
        var first = await Host.ConnectAsync();
        await first.SendMessageAsync("drop-1", "Tell me something long");
        var sessionId = (await first.AckAsync("drop-1")).GetProperty("sessionId").GetString()!;
        var seen = await first.ReadUntilAsync("token");
        var lastSeen = seen.Max(f => f.GetProperty("seq").GetInt64());
        await first.DisposeAsync();

        await using var second = await Host.ConnectAsync();
        await second.ResumeAsync(sessionId, lastSeen);
        var rest = (await second.ReadTurnAsync("drop-1")).Where(f => f.TryGetProperty("seq", out _)).ToList();

        var done = rest[^1].GetProperty("seq").GetInt64();
        Assert.Equal(Enumerable.Range((int)lastSeen + 1, (int)(done - lastSeen)).Select(i => (long)i), TurnText.CoveredSeqs(rest));
        Assert.Equal(await AnswerAsync(sessionId, "drop-1"), TurnText.Of([.. seen, .. rest], "drop-1"));
    }

    [Fact]
    public async Task TwoConnections_OnOneSession_BothReceiveTheWholeLiveStream()
    {
        await using var phone = await _host.ConnectAsync();
        await phone.SendMessageAsync("md-1", "Hello");
        var sessionId = (await phone.AckAsync("md-1")).GetProperty("sessionId").GetString()!;
        var firstTurn = await phone.ReadTurnAsync("md-1");
        await using var laptop = await _host.ConnectAsync();
        await laptop.ResumeAsync(sessionId, firstTurn[^1].GetProperty("seq").GetInt64());
        var resumed = await laptop.ReadUntilAsync("resumed");

        await phone.SendMessageAsync("md-2", "And now?", sessionId);
        await phone.AckAsync("md-2");
        var onPhone = await phone.ReadTurnAsync("md-2");
        var onLaptop = await laptop.ReadTurnAsync("md-2");

        Assert.Single(resumed);
        Assert.Equal(onPhone.Select(f => f.GetProperty("seq").GetInt64()), onLaptop.Select(f => f.GetProperty("seq").GetInt64()));
        Assert.Equal(TurnText.Of(onPhone, "md-2"), TurnText.Of(onLaptop, "md-2"));
        Assert.Equal(await AnswerAsync(sessionId, "md-2"), TurnText.Of(onLaptop, "md-2"));
    }

    [Fact]
    public async Task Resume_UnknownSessionOrSeqBeyondTheEnd_IsAClearError()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("r-1", "Hello");
        var sessionId = (await chat.AckAsync("r-1")).GetProperty("sessionId").GetString()!;
        await chat.ReadTurnAsync("r-1");

        await chat.ResumeAsync("no-such-session", 0);
        var unknown = await chat.NextAsync();
        await chat.ResumeAsync(sessionId, 10_000);
        var beyond = await chat.NextAsync();
        await chat.SendTextAsync("""{"action":"resume","sessionId":"x","afterSeq":-1}""");
        var negative = await chat.NextAsync();

        Assert.Equal("session_not_found", unknown.GetProperty("code").GetString());
        Assert.Equal("seq_out_of_range", beyond.GetProperty("code").GetString());
        Assert.Equal("invalid_field", negative.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task Cancel_WhileStreaming_StopsWithCancelledAndKeepsThePartialAnswer(FunctionsMode mode)
    {
        await UseAsync(mode);
        await using var chat = await Host.ConnectAsync();
        await chat.SendMessageAsync("stop-1", "Tell me a long story about the pipeline");
        var sessionId = (await chat.AckAsync("stop-1")).GetProperty("sessionId").GetString()!;
        var before = await chat.ReadUntilAsync("token");

        await chat.CancelAsync("stop-1");
        var after = await chat.ReadTurnAsync("stop-1");

        var done = after[^1];
        Assert.Equal("cancelled", done.GetProperty("stopReason").GetString());
        var saved = (await History(sessionId)).Single(m => m.RequestId == "stop-1" && m.Role == MessageRoles.Assistant);
        Assert.Equal(MessageStatuses.Cancelled, saved.Status);
        Assert.Equal(saved.Text, TurnText.Of([.. before, .. after], "stop-1"));
        Assert.DoesNotContain("You asked:", saved.Text);
        Assert.Equal(TurnStatus.Cancelled, (await Turn("stop-1")).Status);
    }

    [Fact]
    public async Task Cancel_WhileQueuedBehindAnotherTurn_NeverCallsTheModel()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("q-1", "First question");
        var sessionId = (await chat.AckAsync("q-1")).GetProperty("sessionId").GetString()!;
        await chat.SendMessageAsync("q-2", "Second question", sessionId);
        await chat.AckAsync("q-2");

        await chat.CancelAsync("q-2");
        var frames = await ReadBothAsync(chat, "q-1", "q-2");

        var cancelled = frames.Single(f => f.GetProperty("type").GetString() == "done" && f.GetProperty("requestId").GetString() == "q-2");
        Assert.Equal("cancelled", cancelled.GetProperty("stopReason").GetString());
        Assert.Equal("none", cancelled.GetProperty("model").GetString());
        Assert.DoesNotContain(frames, f => f.GetProperty("requestId").GetString() == "q-2" && f.GetProperty("type").GetString() == "token");
        Assert.Equal(1, _model.Calls);
        Assert.DoesNotContain(await History(sessionId), m => m.RequestId == "q-2");
    }

    [Fact]
    public async Task SendMessage_TwoBackToBack_RunStrictlyInOrder()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("o-1", "First");
        var sessionId = (await chat.AckAsync("o-1")).GetProperty("sessionId").GetString()!;
        await chat.SendMessageAsync("o-2", "Second", sessionId);
        await chat.AckAsync("o-2");

        var frames = await ReadBothAsync(chat, "o-1", "o-2");

        var firstDone = frames.Single(f => f.GetProperty("type").GetString() == "done" && f.GetProperty("requestId").GetString() == "o-1")
            .GetProperty("seq").GetInt64();
        Assert.All(frames.Where(f => f.GetProperty("requestId").GetString() == "o-2" && f.GetProperty("type").GetString() != "status"),
            f => Assert.True(f.GetProperty("seq").GetInt64() > firstDone));
        var history = await History(sessionId);
        Assert.Equal(["o-1:user", "o-1:assistant", "o-2:user", "o-2:assistant"], history.Select(m => $"{m.RequestId}:{m.Role}"));
        Assert.Contains("I received 2 history message(s)", history[^1].Text);
    }

    [Fact]
    public async Task SendMessage_SameRequestIdFromTwoConnectionsAtOnce_OneExecutionOneModelRound()
    {
        await using var one = await _host.ConnectAsync();
        await using var two = await _host.ConnectAsync();

        await Task.WhenAll(one.SendMessageAsync("dup-c", "Hello"), two.SendMessageAsync("dup-c", "Hello"));
        var acks = await Task.WhenAll(one.AckAsync("dup-c"), two.AckAsync("dup-c"));
        var turns = await Task.WhenAll(one.ReadTurnAsync("dup-c"), two.ReadTurnAsync("dup-c"));
        var execution = await WaitForExecutionAsync(ExecutionOf("dup-c"));

        Assert.Equal(acks[0].GetRawText(), acks[1].GetRawText());
        Assert.All(turns, frames => Assert.Single(frames, f => f.GetProperty("type").GetString() == "done"));
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var executions = await _host.Services.GetRequiredService<StepFunctionsEmulator>().ListExecutionsAsync(100);
        Assert.Single(executions, e => e.Name == ExecutionOf("dup-c"));
        Assert.Equal(1, _model.Calls);
    }

    [Fact]
    public async Task QueueDeliversTheSameTurnThreeTimes_OneExecutionOneModelRound()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("dup-q", "Hello");
        var ack = await chat.AckAsync("dup-q");
        var queue = _host.Services.GetRequiredService<ITurnQueue>();
        var again = new TurnRequest("alice", "dup-q", ack.GetProperty("sessionId").GetString()!, "any=", DateTimeOffset.UtcNow);

        await Task.WhenAll(queue.EnqueueAsync(again, CancellationToken.None), queue.EnqueueAsync(again, CancellationToken.None));
        var frames = await chat.ReadTurnAsync("dup-q");
        await queue.EnqueueAsync(again, CancellationToken.None);

        Assert.Single(frames, f => f.GetProperty("type").GetString() == "done");
        Assert.Equal(1, _model.Calls);
        var executions = await _host.Services.GetRequiredService<StepFunctionsEmulator>().ListExecutionsAsync(100);
        Assert.Single(executions, e => e.Name == ExecutionOf("dup-q"));
    }

    [Fact]
    public async Task History_PagesThroughEveryFrameAndMessage_OverTheSocketAndOverHttp()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("h-1", "Hello");
        var sessionId = (await chat.AckAsync("h-1")).GetProperty("sessionId").GetString()!;
        var turn = await chat.ReadTurnAsync("h-1");

        var frames = new List<JsonElement>();
        var messages = new List<JsonElement>();
        long afterSeq = 0, afterIndex = 0;
        var pages = 0;
        bool more;
        do
        {
            await chat.SendAsync(new { action = "history", sessionId, afterSeq, afterIndex, limit = 3 });
            var page = await chat.NextAsync();
            Assert.Equal("history", page.GetProperty("type").GetString());
            frames.AddRange(page.GetProperty("frames").EnumerateArray());
            messages.AddRange(page.GetProperty("messages").EnumerateArray());
            afterSeq = page.GetProperty("nextAfterSeq").GetInt64();
            afterIndex = page.GetProperty("nextAfterIndex").GetInt64();
            more = page.GetProperty("more").GetBoolean();
            pages++;
        }
        while (more);

        Assert.True(pages > 1);
        Assert.Equal(turn.Select(f => f.GetProperty("seq").GetInt64()), frames.Select(f => f.GetProperty("seq").GetInt64()));
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        using var http = _host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Bearer", await _host.TokenForAsync("alice"));
        var overHttp = await http.GetFromJsonAsync<JsonElement>($"/local/sessions/{sessionId}/history");
        Assert.Equal(turn.Count, overHttp.GetProperty("frames").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/local/sessions/nope/history")).StatusCode);
    }

    private static async Task<List<JsonElement>> ReadBothAsync(ChatConnection chat, string first, string second)
    {
        var frames = new List<JsonElement>();
        var finished = new HashSet<string>();
        while (finished.Count < 2)
        {
            var frame = await chat.NextAsync();
            if (!frame.TryGetProperty("seq", out _)) continue;
            frames.Add(frame);
            var id = frame.GetProperty("requestId").GetString()!;
            if (frame.GetProperty("type").GetString() is "done" or "error" && (id == first || id == second)) finished.Add(id);
        }
        return frames;
    }

    [Theory]
    [InlineData("afterIndex")]
    [InlineData("afterSeq")]
    public async Task History_PositionNearTheLargestNumber_IsAClearErrorNotEverything(string field)
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync($"far-{field}", "Hello");
        var sessionId = (await chat.AckAsync($"far-{field}")).GetProperty("sessionId").GetString()!;
        await chat.ReadTurnAsync($"far-{field}");

        await chat.SendTextAsync(
            $$"""{"action":"history","sessionId":"{{sessionId}}","{{field}}":{{long.MaxValue - 1}},"limit":10}""");
        var answer = await chat.NextAsync();

        Assert.Equal("error", answer.GetProperty("type").GetString());
        Assert.Equal("invalid_field", answer.GetProperty("code").GetString());
        Assert.Contains(field, answer.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static string ExecutionOf(string requestId) => ExecutionNames.For(new TurnKey("alice", requestId), 1);

    private Task<ExecutionDescription> WaitForExecutionAsync(string name) =>
        Host.Services.GetRequiredService<StepFunctionsEmulator>().WaitForCompletionAsync(name, CancellationToken.None);

    private async Task<string?> AnswerAsync(string sessionId, string requestId) =>
        (await History(sessionId)).SingleOrDefault(m => m.RequestId == requestId && m.Role == MessageRoles.Assistant)?.Text;

    private Task<IReadOnlyList<HistoryMessage>> History(string sessionId) =>
        Host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(sessionId, long.MaxValue, 100, CancellationToken.None);

    private async Task<TurnRecord> Turn(string requestId) =>
        (await Host.Services.GetRequiredService<ITurnStore>().GetAsync(new TurnKey("alice", requestId), CancellationToken.None))!;
}
