using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Local.Adapters;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// With an Express workflow every StartExecution starts an execution, whatever its name. The turn record, not the
/// name, must keep a duplicate delivery from asking the model twice.
/// </summary>
public sealed class DuplicateStartTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private CountingChatClient _model = null!;
    private DuplicatingWorkflowStarter _starter = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            options => options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(5) } },
            services =>
            {
                services.AddSingleton<IChatClient>(sp => _model = new CountingChatClient(new OfflineChatClient(
                    sp.GetRequiredService<Conduit.Local.Hosting.LocalHostOptions>().Model,
                    ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                    TimeProvider.System)));
                services.AddSingleton<IWorkflowStarter>(sp => _starter = new DuplicatingWorkflowStarter(
                    new LocalWorkflowStarter(sp.GetRequiredService<StepFunctionsEmulator>())));
            });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task QueueDeliversTheSameTurnThreeTimes_EveryDeliveryStartsAnExecution_OneModelCallOneAnswer()
    {
        await using var chat = await _host.ConnectAsync();
        await chat.SendMessageAsync("dup-x", "Hello");
        var ack = await chat.AckAsync("dup-x");
        var sessionId = ack.GetProperty("sessionId").GetString()!;
        var queue = _host.Services.GetRequiredService<ITurnQueue>();
        var again = new TurnRequest("alice", "dup-x", sessionId, "any=", DateTimeOffset.UtcNow);

        await Task.WhenAll(queue.EnqueueAsync(again, CancellationToken.None), queue.EnqueueAsync(again, CancellationToken.None));
        var frames = await chat.ReadTurnAsync("dup-x");
        var emulator = _host.Services.GetRequiredService<StepFunctionsEmulator>();
        var started = await emulator.ListExecutionsAsync(100);
        await Task.WhenAll(started.Select(e => emulator.WaitForCompletionAsync(e.Name, CancellationToken.None)));

        Assert.True(_starter.Starts >= 2, $"only {_starter.Starts} start(s): the duplicates never reached the starter");
        Assert.Equal(1, _model.Calls);
        Assert.Single(frames, f => f.GetProperty("type").GetString() == "done");
        var history = await _host.Services.GetRequiredService<IHistoryStore>()
            .ReadLatestAsync(sessionId, long.MaxValue, 100, CancellationToken.None);
        Assert.Equal(["dup-x:user", "dup-x:assistant"], history.Select(m => $"{m.RequestId}:{m.Role}"));
    }
}
