using System.Diagnostics;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>The lives of the function processes: a crash fails the invocation it held as Lambda reports one, then a new one runs.</summary>
public sealed class FunctionProcessesTests(ProcessesModeHost processes) : IClassFixture<ProcessesModeHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnsweringProcessKilledMidTurn_TurnFailsWithExitErrorFrame_AndTheNextTurnRunsInANewProcess()
    {
        var host = await processes.HostAsync(SlowTokens);
        // Plan streams the answer of a turn that needs no knowledge-base lookup, so its process is the one writing.
        var answering = host.Services.GetRequiredService<FunctionProcesses>().Pools["Plan"];
        await using var chat = await host.ConnectAsync(user: "crashing");
        await chat.SendMessageAsync("killed", "Tell me a long story about the pipeline");
        var sessionId = (await chat.AckAsync("killed")).GetProperty("sessionId").GetString()!;
        await chat.ReadUntilAsync("token");
        var killed = answering.ProcessIds;

        foreach (var id in killed) Process.GetProcessById(id).Kill();
        var name = ExecutionNames.For(new TurnKey("crashing", "killed"), 1);
        var emulator = host.Services.GetRequiredService<StepFunctionsEmulator>();
        await emulator.WaitForCompletionAsync(name).WaitAsync(Patience);
        // The dead process may have held this socket's delivery lease, so the error frame is read back by a resume.
        await using var again = await host.ConnectAsync(user: "crashing");
        await again.ResumeAsync(sessionId, 0);
        var failed = await again.ReadTurnAsync("killed");
        await again.SendMessageAsync("after", "Hello again", sessionId);
        await again.AckAsync("after");
        var next = await again.ReadTurnAsync("after");

        Assert.Equal("error", failed[^1].GetProperty("type").GetString());
        Assert.Equal("turn_failed", failed[^1].GetProperty("code").GetString());
        var taskFailed = (await emulator.GetExecutionHistoryAsync(name)).First(e => e.Type == HistoryEventTypes.TaskFailed);
        Assert.Equal(FunctionErrorException.ExitError, taskFailed.Details["error"]?.GetValue<string>());
        Assert.Equal("done", next[^1].GetProperty("type").GetString());
        Assert.Equal("end_turn", next[^1].GetProperty("stopReason").GetString());
        Assert.DoesNotContain(answering.ProcessIds, killed.Contains);
    }

    [Fact]
    public async Task HostStops_EveryFunctionProcessItStartedHasExited()
    {
        var dynalite = await processes.DynaliteAsync();
        var host = await LocalStackHost.StartAsync(options => ProcessesModeHost.ProcessesMode(options, dynalite.HttpBase));
        var started = host.Services.GetRequiredService<FunctionProcesses>().Pools.Values
            .SelectMany(pool => pool.ProcessIds)
            .Select(Process.GetProcessById)
            .ToList();

        await host.DisposeAsync();

        Assert.Equal(Conduit.Aws.Lambda.ConduitFunctions.All.Count, started.Count);
        foreach (var process in started)
        {
            using var patience = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(patience.Token);
            Assert.True(process.HasExited, $"function process {process.Id} outlived the host");
            process.Dispose();
        }
    }

    private static LocalHostOptions SlowTokens(LocalHostOptions options) =>
        options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(50) } };
}
