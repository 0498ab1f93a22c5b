using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

public sealed class PipelineTests(ProcessesModeHost processes) : IAsyncLifetime, IClassFixture<ProcessesModeHost>
{
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task SendMessage_NewSession_AcksThenStreamsPhasesTokensAndDoneWithGapFreeSeq(FunctionsMode mode)
    {
        var host = await HostAsync(mode);
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("turn-1", "Hello there, who are you?");
        var ack = await chat.AckAsync("turn-1");
        var frames = await chat.ReadTurnAsync("turn-1");

        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal("turn-1", ack.GetProperty("requestId").GetString());
        var sessionId = ack.GetProperty("sessionId").GetString();
        Assert.False(string.IsNullOrEmpty(sessionId));
        Assert.All(frames, f => Assert.Equal(sessionId, f.GetProperty("sessionId").GetString()));
        Assert.Equal(Enumerable.Range(1, frames.Count).Select(i => (long)i), frames.Select(f => f.GetProperty("seq").GetInt64()));
        Assert.Equal(["queued", "building_prompt", "planning", "streaming"], Phases(frames));
        var tokens = frames.Where(f => Type(f) == "token").ToList();
        Assert.NotEmpty(tokens);
        var answer = string.Concat(tokens.Select(f => f.GetProperty("text").GetString()));
        Assert.StartsWith("Offline model (not an LLM). I received 0 history message(s) and 0 tool result(s).", answer);
        var done = frames[^1];
        Assert.Equal("done", Type(done));
        Assert.Equal("end_turn", done.GetProperty("stopReason").GetString());
        Assert.Equal("offline", done.GetProperty("model").GetString());
        Assert.True(done.GetProperty("usage").GetProperty("outputTokens").GetInt64() > 0);
        Assert.True(done.GetProperty("usage").GetProperty("inputTokens").GetInt64() > 0);
        Assert.Equal(answer, await AssistantAnswerAsync(host, sessionId!, "turn-1"));
    }

    [Fact]
    public async Task SendMessage_SecondTurnInSession_SeesFirstTurnInHistoryAndSeqContinues()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("first", "Hello");
        var sessionId = (await chat.AckAsync("first")).GetProperty("sessionId").GetString()!;
        var first = await chat.ReadTurnAsync("first");

        await chat.SendMessageAsync("second", "And again", sessionId);
        var ack = await chat.AckAsync("second");
        var second = await chat.ReadTurnAsync("second");

        Assert.Equal(sessionId, ack.GetProperty("sessionId").GetString());
        Assert.Equal(first[^1].GetProperty("seq").GetInt64() + 1, second[0].GetProperty("seq").GetInt64());
        var answer = string.Concat(second.Where(f => Type(f) == "token").Select(f => f.GetProperty("text").GetString()));
        Assert.Contains("I received 2 history message(s)", answer);
    }

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task SendMessage_KnowledgeBaseQuestion_RetrievesAndPostsSources(FunctionsMode mode)
    {
        await using var chat = await (await HostAsync(mode)).ConnectAsync();

        await chat.SendMessageAsync("kb-1", "How does the Dispatcher name each execution?");
        await chat.AckAsync("kb-1");
        var frames = await chat.ReadTurnAsync("kb-1");

        Assert.Equal(["queued", "building_prompt", "planning", "retrieving", "planning", "streaming"], Phases(frames));
        var sources = Assert.Single(frames, f => Type(f) == "sources");
        var best = sources.GetProperty("passages")[0];
        Assert.Equal("pipeline.md", best.GetProperty("source").GetString());
        Assert.Equal("Pipeline facts › Dispatcher", best.GetProperty("title").GetString());
        Assert.True(best.GetProperty("score").GetDouble() > 0);
        var answer = string.Concat(frames.Where(f => Type(f) == "token").Select(f => f.GetProperty("text").GetString()));
        Assert.Contains("1 tool result(s)", answer);
        Assert.Contains("names it by the requestId", answer);
    }

    [Theory]
    [InlineData("{not json", "invalid_json")]
    [InlineData("""{"action":"fly"}""", "unknown_action")]
    [InlineData("""{"text":"no action"}""", "missing_field")]
    [InlineData("""{"action":"sendMessage","text":"no request id"}""", "missing_field")]
    [InlineData("""{"action":"sendMessage","requestId":"r-empty","text":""}""", "empty_text")]
    [InlineData("""{"action":"sendMessage","requestId":"r-type","text":42}""", "invalid_field")]
    [InlineData("""{"action":"sendMessage","requestId":"r-session","sessionId":"nope","text":"hi"}""", "session_not_found")]
    public async Task BadFrame_GetsPreciseErrorFrame_AndConnectionStaysUsable(string body, string code)
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendTextAsync(body);
        var error = await chat.NextAsync();
        await chat.SendAsync(new { action = "ping" });
        var pong = await chat.NextAsync();

        Assert.Equal("error", Type(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(error.GetProperty("retryable").GetBoolean());
        Assert.False(error.TryGetProperty("seq", out _));
        Assert.Equal("pong", Type(pong));
    }

    [Fact]
    public async Task BinaryFrame_GetsUnsupportedFrameError()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendBinaryAsync([1, 2, 3]);

        Assert.Equal("unsupported_frame", (await chat.NextAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Message_Over128KB_ClosesSocketWith1009()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendTextAsync(new string('x', 200 * 1024));
        await chat.WaitForCloseAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, chat.CloseStatus);
    }

    [Fact]
    public async Task SendMessage_RepeatedRequestId_SameAckOneExecution_DifferentTextConflicts()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("dup-1", "Hello");
        var firstAck = await chat.AckAsync("dup-1");
        await chat.ReadTurnAsync("dup-1");

        await chat.SendMessageAsync("dup-1", "Hello");
        var repeatAck = await chat.NextAsync();
        await chat.SendMessageAsync("dup-1", "Something else");
        var conflict = await chat.NextAsync();

        Assert.Equal(firstAck.GetRawText(), repeatAck.GetRawText());
        Assert.Equal("conflict", conflict.GetProperty("code").GetString());
        var executions = await _host.Services.GetRequiredService<StepFunctionsEmulator>().ListExecutionsAsync(100);
        Assert.Single(executions, e => e.Name == ExecutionNames.For(new TurnKey("alice", "dup-1"), 1));
    }

    [Fact]
    public async Task Healthz_WhenStarted_Returns200()
    {
        using var http = _host.CreateHttpClient();

        var response = await http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<LocalStackHost> HostAsync(FunctionsMode mode) =>
        mode == FunctionsMode.Processes ? await processes.HostAsync() : _host;

    private static async Task<string?> AssistantAnswerAsync(LocalStackHost host, string sessionId, string requestId)
    {
        var history = await host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
            sessionId, long.MaxValue, 100, CancellationToken.None);
        return history.SingleOrDefault(m => m.RequestId == requestId && m.Role == MessageRoles.Assistant)?.Text;
    }

    private static string? Type(JsonElement frame) => frame.GetProperty("type").GetString();

    private static IReadOnlyList<string?> Phases(IEnumerable<JsonElement> frames) =>
        frames.Where(f => Type(f) == "status").Select(f => f.GetProperty("phase").GetString()).ToList();
}
