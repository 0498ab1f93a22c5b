using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.EndToEnd;

/// <summary>The planner answers while it plans: one model call for a turn that needs no tool (issue 16).</summary>
public sealed class PlannerTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private CountingChatClient _model = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            overrides: services => services.AddSingleton<IChatClient>(sp => _model = new CountingChatClient(new OfflineChatClient(
                sp.GetRequiredService<Conduit.Local.Hosting.LocalHostOptions>().Model,
                ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                TimeProvider.System))));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SendMessage_NoToolNeeded_AsksTheModelOnceAndStreamsItsAnswer()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendMessageAsync("once-1", "Hello there, who are you?");
        var sessionId = (await chat.AckAsync("once-1")).GetProperty("sessionId").GetString()!;
        var frames = await chat.ReadTurnAsync("once-1");

        Assert.Equal(1, _model.Calls);
        Assert.Equal(["queued", "building_prompt", "planning", "streaming"], Phases(frames));
        var answer = TurnText.Of(frames, "once-1");
        Assert.StartsWith("Offline model (not an LLM).", answer);
        Assert.Equal(answer, await AnswerAsync(sessionId, "once-1"));
        Assert.Equal("end_turn", frames[^1].GetProperty("stopReason").GetString());
    }

    [Fact]
    public async Task SendMessage_KnowledgeBaseQuestion_TwoModelCallsAndTheSecondStreamsTheAnswer()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendMessageAsync("kb-once", "How does the Dispatcher name each execution?");
        await chat.AckAsync("kb-once");
        var frames = await chat.ReadTurnAsync("kb-once");

        Assert.Equal(2, _model.Calls);
        Assert.Equal(["queued", "building_prompt", "planning", "retrieving", "planning", "streaming"], Phases(frames));
        Assert.Contains("1 tool result(s)", TurnText.Of(frames, "kb-once"));
    }

    [Fact]
    public async Task Plan_RunAgainAfterItAnswered_PostsNothingAndAsksNoModel()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("rerun-1", "Hello again");
        var sessionId = (await chat.AckAsync("rerun-1")).GetProperty("sessionId").GetString()!;
        var frames = await chat.ReadTurnAsync("rerun-1");
        var workflow = _host.Services.GetRequiredService<ChatWorkflow>();
        var state = new ChatTurnState
        {
            Turn = new TurnReference("alice", "rerun-1", sessionId, "any="),
            Prompt = new PromptWindow(0, 0, 1, 0),
        };

        var rerun = await workflow.PlanAsync(state, CancellationToken.None);

        Assert.Equal("answered", rerun.Plan?.Action);
        Assert.NotNull(rerun.Outcome);
        Assert.Equal(1, _model.Calls);
        var stored = await _host.Services.GetRequiredService<IFrameStore>()
            .ReadAfterAsync(sessionId, 0, 1_000, CancellationToken.None);
        Assert.Equal(frames[^1].GetProperty("seq").GetInt64(), stored[^1].Seq);
    }

    private async Task<string?> AnswerAsync(string sessionId, string requestId) =>
        (await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(sessionId, long.MaxValue, 100, CancellationToken.None))
        .SingleOrDefault(m => m.RequestId == requestId && m.Role == MessageRoles.Assistant)?.Text;

    private static List<string?> Phases(IEnumerable<JsonElement> frames) =>
        [.. frames.Where(f => f.GetProperty("type").GetString() == "status").Select(f => f.GetProperty("phase").GetString())];
}
