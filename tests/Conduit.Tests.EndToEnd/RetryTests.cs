using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd;

/// <summary>Sending a failed turn's requestId and text again: a retryable failure runs again, anything else does not.</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private LocalStackHost _host = null!;
    private FailingFirstChatClient _model = null!;
    private Func<Exception> _failure = () => new StreamInterruptedException("The model stream broke.", new IOException("reset"));

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            overrides: services => services.AddSingleton<IChatClient>(sp => _model = new FailingFirstChatClient(
                new OfflineChatClient(
                    sp.GetRequiredService<Conduit.Local.Hosting.LocalHostOptions>().Model,
                    ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith,
                    TimeProvider.System),
                () => _failure())));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SendMessage_SameRequestIdAfterARetryableFailure_RunsTheTurnAgainAsANewAttempt()
    {
        await using var chat = await _host.ConnectAsync();
        _model.FailuresLeft = 1;
        await chat.SendMessageAsync("again-1", "What does the Dispatcher do?");
        var sessionId = (await chat.AckAsync("again-1")).GetProperty("sessionId").GetString()!;
        var failed = await chat.ReadTurnAsync("again-1");

        await chat.SendMessageAsync("again-1", "What does the Dispatcher do?");
        var ack = await chat.AckAsync("again-1");
        var retried = await chat.ReadTurnAsync("again-1");

        var error = failed[^1];
        Assert.Equal(("model_failed", true), (error.GetProperty("code").GetString(), error.GetProperty("retryable").GetBoolean()));
        Assert.Equal(sessionId, ack.GetProperty("sessionId").GetString());
        Assert.Equal(2, ack.GetProperty("attempt").GetInt32());
        Assert.Equal("queued", retried[0].GetProperty("phase").GetString());
        Assert.Equal("done", retried[^1].GetProperty("type").GetString());
        Assert.True(retried[0].GetProperty("seq").GetInt64() > failed[^1].GetProperty("seq").GetInt64());
        Assert.Equal(3, _model.Streams);
        var executions = await ExecutionsOfAsync("again-1");
        Assert.Equal(2, executions.Count);
        Assert.Contains(executions, e => e.Status == ExecutionStatus.Failed);
        Assert.Contains(executions, e => e.Status == ExecutionStatus.Succeeded && e.Name.EndsWith("-2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendMessage_TwoRetriesAtOnce_StartExactlyOneNewAttempt()
    {
        await using var one = await _host.ConnectAsync();
        await using var two = await _host.ConnectAsync();
        _model.FailuresLeft = 1;
        await one.SendMessageAsync("again-2", "Hello");
        await one.AckAsync("again-2");
        await one.ReadTurnAsync("again-2");

        await Task.WhenAll(one.SendMessageAsync("again-2", "Hello"), two.SendMessageAsync("again-2", "Hello"));
        var acks = await Task.WhenAll(one.AckAsync("again-2"), two.AckAsync("again-2"));
        var turns = await Task.WhenAll(one.ReadTurnAsync("again-2"), two.ReadTurnAsync("again-2"));
        await one.SendAsync(new { action = "ping" });
        var later = await one.ReadUntilAsync("pong");

        Assert.Equal(acks[0].GetRawText(), acks[1].GetRawText());
        Assert.All(turns, frames => Assert.Equal("done", frames[^1].GetProperty("type").GetString()));
        Assert.Single(turns[0], f => ChatFrames.Is(f, "status") && f.GetProperty("phase").GetString() == "queued");
        Assert.Equal(["pong"], later.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal(2, _model.Streams);
        Assert.Equal(2, (await ExecutionsOfAsync("again-2")).Count);
    }

    [Fact]
    public async Task SendMessage_SameRequestIdAfterANonRetryableFailure_GetsTheOldAckAndStartsNothing()
    {
        _failure = () => new InvalidOperationException("A bug.");
        await using var chat = await _host.ConnectAsync();
        _model.FailuresLeft = 1;
        await chat.SendMessageAsync("final-1", "Hello");
        var first = await chat.AckAsync("final-1");
        var failed = await chat.ReadTurnAsync("final-1");

        await chat.SendMessageAsync("final-1", "Hello");
        var again = await chat.AckAsync("final-1");
        await chat.SendAsync(new { action = "ping" });
        var later = await chat.ReadUntilAsync("pong");

        var error = failed[^1];
        Assert.Equal(("turn_failed", false), (error.GetProperty("code").GetString(), error.GetProperty("retryable").GetBoolean()));
        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(["pong"], later.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal(1, _model.Streams);
        Assert.Single(await ExecutionsOfAsync("final-1"));
    }

    [Fact]
    public async Task SendMessage_SameRequestIdWithOtherTextAfterARetryableFailure_IsAConflict()
    {
        await using var chat = await _host.ConnectAsync();
        _model.FailuresLeft = 1;
        await chat.SendMessageAsync("again-3", "Hello");
        await chat.AckAsync("again-3");
        await chat.ReadTurnAsync("again-3");

        await chat.SendMessageAsync("again-3", "Something else");
        var answer = await chat.NextAsync();

        Assert.Equal(("error", "conflict"), (answer.GetProperty("type").GetString(), answer.GetProperty("code").GetString()));
        Assert.Equal(1, _model.Streams);
    }

    private async Task<List<ExecutionDescription>> ExecutionsOfAsync(string requestId)
    {
        var emulator = _host.Services.GetRequiredService<StepFunctionsEmulator>();
        var names = (await emulator.ListExecutionsAsync(1_000))
            .Where(e => e.Name == requestId || e.Name.StartsWith(requestId + "-", StringComparison.Ordinal))
            .Select(e => e.Name)
            .ToList();
        var executions = new List<ExecutionDescription>();
        foreach (var name in names) executions.Add(await emulator.WaitForCompletionAsync(name, CancellationToken.None));
        return executions;
    }
}
