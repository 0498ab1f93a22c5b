using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Hosting;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>kill -9 of the local host mid-turn, then a restart over the same data: acknowledged turns finish once.</summary>
public sealed class CrashRecoveryTests(ProcessesModeHost processes) : IDisposable, IClassFixture<ProcessesModeHost>
{
    private readonly TemporaryFolder _data = new("crash");

    /// <summary>One port for both runs, so the clients' URL stays the same across the restart, as a deployment's does.</summary>
    private readonly int _port = LoopbackPort.Free();

    public void Dispose() => _data.Dispose();

    [Theory]
    [MemberData(nameof(FunctionModes.Both), MemberType = typeof(FunctionModes))]
    public async Task KillMidTurn_Restart_EveryAcknowledgedTurnCompletesOnce_AndAResumeMatchesHistory(FunctionsMode mode)
    {
        string[] functions = mode == FunctionsMode.Processes
            ? ["--functions", "processes", "--store", $"dynamodb:{(await processes.DynaliteAsync()).HttpBase}"]
            : [];
        string sessionId;
        await using (var first = await StartAsync(functions))
        {
            await using var chat = await ChatConnection.OpenAsync(Url, token: await TokenAsync());
            await chat.SendMessageAsync("crash-1", "Tell me everything about the pipeline");
            sessionId = (await chat.AckAsync("crash-1")).GetProperty("sessionId").GetString()!;
            await chat.SendMessageAsync("crash-2", "And then?", sessionId);
            await chat.AckAsync("crash-2");
            await chat.ReadUntilAsync("token");

            await first.KillAsync();
        }

        await using var second = await StartAsync(functions);
        await using var resumed = await ChatConnection.OpenAsync(Url, token: await TokenAsync());
        await resumed.ResumeAsync(sessionId, 0);
        var frames = await ReadUntilDoneAsync(resumed, "crash-1", "crash-2");

        var lastSeq = (int)frames.Max(f => f.GetProperty("seq").GetInt64());
        Assert.Equal(Enumerable.Range(1, lastSeq).Select(i => (long)i), TurnText.CoveredSeqs(frames).Order());
        Assert.Equal(TurnText.CoveredSeqs(frames).Count(), TurnText.CoveredSeqs(frames).Distinct().Count());
        Assert.Single(frames, f => IsDone(f, "crash-1"));
        Assert.Single(frames, f => IsDone(f, "crash-2"));

        using var http = new HttpClient { BaseAddress = second.HttpBase };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        var history = await http.GetFromJsonAsync<JsonElement>($"/local/sessions/{sessionId}/history");
        var messages = history.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["crash-1:user", "crash-1:assistant", "crash-2:user", "crash-2:assistant"],
            messages.Select(m => $"{m.GetProperty("requestId").GetString()}:{m.GetProperty("role").GetString()}"));
        Assert.Equal(messages[1].GetProperty("text").GetString(), TurnText.Of(frames, "crash-1"));
        Assert.Equal(messages[3].GetProperty("text").GetString(), TurnText.Of(frames, "crash-2"));
        var executions = (await http.GetFromJsonAsync<JsonElement>("/local/executions"))
            .GetProperty("executions").EnumerateArray().ToList();
        Assert.Equal(
            [ExecutionOf("crash-1"), ExecutionOf("crash-2")], executions.Select(e => e.GetProperty("name").GetString()).Order());
        Assert.All(executions, e => Assert.Equal("SUCCEEDED", e.GetProperty("status").GetString()));
        var interrupted = await http.GetFromJsonAsync<JsonElement>($"/local/executions/{ExecutionOf("crash-1")}");
        Assert.Equal(1, interrupted.GetProperty("execution").GetProperty("redriveCount").GetInt32());
    }

    private static string ExecutionOf(string requestId) => ExecutionNames.For(new TurnKey("crash", requestId), 1);

    private Uri Url => new($"ws://127.0.0.1:{_port}/local");

    /// <summary>The development signing key lives in the data folder, so a token stays good across the restart.</summary>
    private Task<string> TokenAsync() => DevelopmentTokens.ForUserAsync(new Uri($"http://127.0.0.1:{_port}/"), "crash");

    private Task<LoopbackServer> StartAsync(string[] functions) => LocalHostProcess.StartAsync(
        _port,
        [
            "--data-dir", _data.Path, "--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"),
            "--token-delay-ms", "25", "--first-token-delay-ms", "0", .. functions,
        ]);

    private static bool IsDone(JsonElement frame, string requestId) => ChatFrames.Is(frame, "done", requestId);

    private static async Task<List<JsonElement>> ReadUntilDoneAsync(ChatConnection chat, params string[] requestIds)
    {
        var frames = new List<JsonElement>();
        var done = new HashSet<string>();
        while (done.Count < requestIds.Length)
        {
            var frame = await chat.NextAsync();
            if (!frame.TryGetProperty("seq", out _)) continue;
            frames.Add(frame);
            if (frame.GetProperty("type").GetString() == "done") done.Add(frame.GetProperty("requestId").GetString()!);
        }
        return frames;
    }
}
