using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.EndToEnd;

/// <summary>A model that writes some text and then asks for the knowledge base, while the planner streams it.</summary>
public sealed class PlannerToolCallTests : IAsyncLifetime
{
    private const string Preamble = "Let me look that up. ";
    private const string Answer = "The Dispatcher names it by the requestId.";

    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            overrides: services => services.AddSingleton<IChatClient>(new ToolCallingChatClient(Preamble, Answer)));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SendMessage_ModelWritesTextThenCallsTheTool_ClientAndHistoryKeepOnlyTheAnswerAfterRetrieval()
    {
        await using var chat = await _host.ConnectAsync();

        await chat.SendMessageAsync("pre-1", "How does the Dispatcher name each execution?");
        var sessionId = (await chat.AckAsync("pre-1")).GetProperty("sessionId").GetString()!;
        var frames = await chat.ReadTurnAsync("pre-1");

        var phases = frames.Where(f => Type(f) == "status").Select(f => f.GetProperty("phase").GetString()).ToList();
        Assert.Equal(["queued", "building_prompt", "planning", "streaming", "retrieving", "planning", "streaming"], phases);
        Assert.Single(frames, f => Type(f) == "sources");
        Assert.Equal(Answer, TurnText.Of(frames, "pre-1"));
        var history = await _host.Services.GetRequiredService<IHistoryStore>()
            .ReadLatestAsync(sessionId, long.MaxValue, 100, CancellationToken.None);
        Assert.Equal(Answer, history.Single(m => m.RequestId == "pre-1" && m.Role == MessageRoles.Assistant).Text);
        Assert.Equal("done", Type(frames[^1]));
    }

    private static string? Type(JsonElement frame) => frame.GetProperty("type").GetString();
}
