using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Many clients at once, each losing its socket at random points of its turn and resuming from the last seq it
/// saw: every one must end with the whole answer, every seq exactly once, in order.
/// </summary>
public sealed class ChaosTests : IAsyncLifetime
{
    private const int Sessions = 50;
    private const int DropsPerClient = 3;
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalStackHost.StartAsync(
            options => options with { Model = options.Model with { TokenDelay = TimeSpan.FromMilliseconds(8) } });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task FiftySessions_EachDroppingAtLeastThreeTimes_EndWithHistoryTextAndNoGapOrRepeat()
    {
        var seed = Environment.TickCount;
        var results = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(i => RunClientAsync(i, new Random(seed + i))));

        foreach (var result in results)
        {
            var context = $"client {result.RequestId} (seed {seed})";
            Assert.True(result.Drops >= DropsPerClient, $"{context} dropped only {result.Drops} times");
            Assert.True(
                result.Seqs.SequenceEqual(Enumerable.Range(1, result.Seqs.Count).Select(i => (long)i)),
                $"{context} saw seqs {string.Join(",", result.Seqs)}");
            var saved = (await _host.Services.GetRequiredService<IHistoryStore>().ReadLatestAsync(
                result.SessionId, long.MaxValue, 10, CancellationToken.None))
                .Single(m => m.Role == MessageRoles.Assistant);
            Assert.Equal(saved.Text, TurnText.Of(result.Frames, result.RequestId));
        }
    }

    private sealed record ClientResult(string RequestId, string SessionId, int Drops, List<long> Seqs, List<JsonElement> Frames);

    private async Task<ClientResult> RunClientAsync(int index, Random random)
    {
        var requestId = $"chaos-{index}";
        var user = $"user-{index}";
        var chat = await _host.ConnectAsync(user: user);
        await chat.SendMessageAsync(requestId, "How does the Dispatcher name each execution, and why does coalescing matter?");
        var sessionId = (await chat.AckAsync(requestId)).GetProperty("sessionId").GetString()!;

        var frames = new List<JsonElement>();
        var seqs = new List<long>();
        var drops = 0;
        var untilDrop = random.Next(1, 4);
        var done = false;
        while (!done || drops < DropsPerClient)
        {
            if (done || untilDrop == 0)
            {
                await chat.AbortAsync();
                drops++;
                untilDrop = random.Next(1, 4);
                chat = await _host.ConnectAsync(user: user);
                await chat.ResumeAsync(sessionId, seqs.Count == 0 ? 0 : seqs[^1]);
                if (done) await chat.ReadUntilAsync("resumed");
                continue;
            }
            var frame = await chat.NextAsync();
            if (!frame.TryGetProperty("seq", out _)) continue;
            frames.Add(frame);
            seqs.AddRange(TurnText.CoveredSeqs([frame]));
            done = frame.GetProperty("type").GetString() == "done";
            untilDrop--;
        }
        await chat.DisposeAsync();
        return new ClientResult(requestId, sessionId, drops, seqs, frames);
    }
}
