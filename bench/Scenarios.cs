using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Adapters;
using Conduit.Local.Hosting;
using Conduit.Local.Model;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Bench;

public sealed record Measurement(
    string Scenario, string Metric, double P50, double P99, double Value, string Unit, int Samples, string Target);

/// <summary>Each scenario starts its own local stack in this process and drives it over real sockets.</summary>
public static partial class Scenarios
{
    public static readonly IReadOnlyDictionary<string, Func<Task<IReadOnlyList<Measurement>>>> All =
        new Dictionary<string, Func<Task<IReadOnlyList<Measurement>>>>
    {
        ["ack"] = AckLatencyAsync,
        ["first-frames"] = FirstFramesAsync,
        ["coalescing"] = CoalescingAsync,
        ["throughput"] = ThroughputAsync,
        ["connections"] = IdleConnectionsAsync,
        ["replay"] = ReplayAsync,
        ["cost"] = CostAsync,
        ["cold-start"] = ColdStartAsync,
        ["latency-aws"] = AwsLatencyAsync,
        ["ack-vs-bare"] = AckVersusBareAsync,
        ["modes"] = ModesAsync,
    };

    /// <summary>
    /// 200 clients, 5 messages each, two ways. Back to back: each client sends its next message as soon as the last is
    /// acknowledged, so 200 messages are always waiting and the latency is the queue (Little's law: 200 ÷ acks per
    /// second). Paced: each client waits a random time (exponential, mean 2 s) before each message, 100 messages a
    /// second in all, which is how people type; the turns they start run meanwhile.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> AckLatencyAsync()
    {
        await using var stack = await Stack.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => stack.ConnectAsync($"ack-{i}")));
        await WarmUpAsync(clients, "ack-warm");
        var started = Stopwatch.GetTimestamp();
        var backToBack = await SendAndTimeAcksAsync(clients, "ack", _ => TimeSpan.Zero);
        var acksPerSecond = backToBack.Length / Stopwatch.GetElapsedTime(started).TotalSeconds;
        var random = new Random(20261121);
        var paced = await SendAndTimeAcksAsync(clients, "paced", _ =>
        {
            lock (random) return TimeSpan.FromSeconds(-2 * Math.Log(1 - random.NextDouble()));
        });
        foreach (var client in clients) await client.DisposeAsync();
        return
        [
            Percentiles("ack", "send → ack, back to back (200 waiting)", backToBack, "ms", "p99 ≤ 2 ms"),
            new Measurement("ack", "acks per second, back to back", 0, 0, acksPerSecond, "acks/s", backToBack.Length, ""),
            Percentiles("ack", "send → ack, paced (100 messages/s in all)", paced, "ms", "p99 ≤ 2 ms"),
        ];
    }

    private static async Task<double[]> SendAndTimeAcksAsync(ChatConnection[] clients, string prefix, Func<int, TimeSpan> pause)
    {
        var samples = await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var latencies = new List<double>();
            for (var m = 0; m < 5; m++)
            {
                if (pause(i) is { } wait && wait > TimeSpan.Zero) await Task.Delay(wait);
                var requestId = $"{prefix}-{i}-{m}";
                var sent = Stopwatch.GetTimestamp();
                await client.SendMessageAsync(requestId, "Hello");
                var ack = (await client.ReadUntilAsync(f => ChatFrames.Is(f, "ack", requestId)))[^1];
                latencies.Add(Stopwatch.GetElapsedTime(sent, ack.ReceivedAt).TotalMilliseconds);
            }
            return latencies;
        }));
        return [.. samples.SelectMany(s => s)];
    }

    /// <summary>Turns one after another, zero-delay model: send → first status, send → first token.</summary>
    private static async Task<IReadOnlyList<Measurement>> FirstFramesAsync()
    {
        await using var stack = await Stack.StartAsync();
        await using var client = await stack.ConnectAsync("first");
        await WarmUpAsync([client], "first-warm");
        var status = new List<double>();
        var token = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var requestId = $"first-{i}";
            var sent = Stopwatch.GetTimestamp();
            await client.SendMessageAsync(requestId, "Hello there");
            var frames = await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", requestId));
            status.Add(
                Stopwatch.GetElapsedTime(
                    sent, frames.First(f => ChatFrames.Is(f.Frame, "status", requestId)).ReceivedAt).TotalMilliseconds);
            token.Add(
                Stopwatch.GetElapsedTime(sent, frames.First(f => ChatFrames.Is(f.Frame, "token", requestId)).ReceivedAt).TotalMilliseconds);
        }
        return
        [
            Percentiles("first-frames", "send → first status", status, "ms", "p50 ≤ 5 ms"),
            Percentiles("first-frames", "send → first token (model delay 0)", token, "ms", "p50 ≤ 20 ms"),
        ];
    }

    /// <summary>A 1,000-token answer, 15 ms per @connections POST: coalesced vs one post per token.</summary>
    private static async Task<IReadOnlyList<Measurement>> CoalescingAsync()
    {
        var results = new List<Measurement>();
        foreach (var (name, settings) in new[]
        {
            ("coalesced", new ConduitSettings()),
            ("per-token baseline", new ConduitSettings { CoalesceInterval = TimeSpan.Zero, CoalesceMaxBytes = 1 }),
        })
        {
            var model = new TokenModel(1_000, TimeSpan.FromMilliseconds(2));
            await using var stack = await Stack.StartAsync(
                options => options with
                {
                    Settings = Stack.Unlimited(settings), Gateway = options.Gateway with { PostLatency = TimeSpan.FromMilliseconds(15) },
                },
                model);
            await using var client = await stack.ConnectAsync("coalescing");
            await client.SendMessageAsync("coalesce-1", "Stream please");
            var frames = await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", "coalesce-1"));
            var tokens = frames.Where(f => ChatFrames.Is(f.Frame, "token")).ToList();
            var lags = tokens.SelectMany(f => TokenNumber().Matches(f.Frame.GetProperty("text").GetString()!)
                .Select(m => Stopwatch.GetElapsedTime(ProducedAt(model, m), f.ReceivedAt).TotalMilliseconds)).ToList();
            results.Add(
                new Measurement(
                    "coalescing", $"{name}: posts per 1,000 tokens", 0, 0, tokens.Count, "posts", 1,
                    "≤ 40 coalesced; baseline ≥ 10× worse"));
            results.Add(Percentiles("coalescing", $"{name}: token lag (produced → received)", lags, "ms", "p99 ≤ 80 ms coalesced"));
        }
        return results;
    }

    /// <summary>20 clients, 30 turns each back to back, zero-delay offline model: completed turns per second.</summary>
    private static async Task<IReadOnlyList<Measurement>> ThroughputAsync()
    {
        await using var stack = await Stack.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => stack.ConnectAsync($"tp-{i}")));
        await WarmUpAsync(clients, "tp-warm");
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var collectionsBefore = GC.CollectionCount(0);
        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            for (var t = 0; t < 30; t++)
            {
                var requestId = $"tp-{i}-{t}";
                await client.SendMessageAsync(requestId, "Hello");
                await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", requestId));
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var collections = GC.CollectionCount(0) - collectionsBefore;
        foreach (var client in clients) await client.DisposeAsync();
        // The clients share the process, so CPU and allocations include their side of every frame too.
        return
        [
            new Measurement(
                "throughput", "turns completed per second (600 turns, 20 clients)", 0, 0, 600 / elapsed.TotalSeconds, "turns/s", 600,
                "≥ 300"),
            new Measurement("throughput", "CPU per turn (host and clients)", 0, 0, cpu.TotalMilliseconds / 600, "ms", 600, ""),
            new Measurement("throughput", "allocated per turn (host and clients)", 0, 0, allocated / 600.0 / 1024, "KB", 600, ""),
            new Measurement("throughput", "gen0 collections per 100 turns", 0, 0, collections / 6.0, "GCs", 600, ""),
        ];
    }

    /// <summary>
    /// A client drops right after its ack and misses a 5,000-token answer streamed one frame per token; a new
    /// connection resumes from 0. Measured: resume sent → the last replayed frame, and that the replay covers every
    /// seq exactly once.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> ReplayAsync()
    {
        const int Tokens = 5_000;
        var perToken = new ConduitSettings { CoalesceInterval = TimeSpan.Zero, CoalesceMaxBytes = 1 };
        await using var stack = await Stack.StartAsync(
            options => options with { Settings = Stack.Unlimited(perToken) }, new TokenModel(Tokens, TimeSpan.Zero));
        var times = new List<double>();
        long missed = 0, posted = 0;
        for (var run = 0; run < 5; run++)
        {
            var requestId = $"replay-{run}";
            string sessionId;
            await using (var dropped = await stack.ConnectAsync("replay"))
            {
                await dropped.SendMessageAsync(requestId, "Stream a long answer");
                var ack = (await dropped.ReadUntilAsync(f => ChatFrames.Is(f, "ack", requestId)))[^1].Frame;
                sessionId = ack.GetProperty("sessionId").GetString()!;
            }
            await stack.WaitForExecutionAsync(requestId);

            await using var resumed = await stack.ConnectAsync("replay");
            var sent = Stopwatch.GetTimestamp();
            await resumed.ResumeAsync(sessionId, 0);
            var frames = await resumed.ReadUntilAsync(f => ChatFrames.Is(f, "resumed"));
            var replay = frames.Where(f => f.Frame.TryGetProperty("seq", out _)).ToList();
            times.Add(Stopwatch.GetElapsedTime(sent, replay[^1].ReceivedAt).TotalMilliseconds);

            var lastSeq = frames[^1].Frame.GetProperty("lastSeq").GetInt64();
            var expected = 1L;
            foreach (var (frame, _) in replay)
            {
                var first = frame.TryGetProperty("firstSeq", out var firstSeq) ? firstSeq.GetInt64() : frame.GetProperty("seq").GetInt64();
                if (first != expected)
                    throw new InvalidOperationException(
                        $"The replay of {sessionId} skipped or repeated: expected seq {expected}, got {first}.");
                expected = frame.GetProperty("seq").GetInt64() + 1;
            }
            if (expected != lastSeq + 1 || lastSeq < Tokens)
                throw new InvalidOperationException($"The replay of {sessionId} ended at {expected - 1} of {lastSeq}.");
            missed += lastSeq;
            posted += replay.Count;
        }
        return
        [
            Percentiles("replay", $"resume → last frame, {missed / times.Count:N0} missed frames", times, "ms", "≤ 100 ms"),
            new Measurement(
                "replay", "frames posted per replay (tokens joined with firstSeq)", 0, 0, posted / (double)times.Count, "frames",
                times.Count, ""),
        ];
    }

    /// <summary>
    /// Unmeasured turns, run to done: two per client at once, then one client alone for four seconds. The figures are
    /// then of code the JIT has recompiled at full optimisation and of a settled host. The quiet part matters:
    /// tiered compilation recompiles in the background only once no new method has been called for a while, which
    /// under full load on two cores never happens, and a scenario run on its own then measured half the throughput
    /// it reached after a lighter scenario had run first.
    /// </summary>
    private static async Task WarmUpAsync(IReadOnlyList<ChatConnection> clients, string prefix)
    {
        async Task TurnAsync(ChatConnection client, string requestId)
        {
            await client.SendMessageAsync(requestId, "Hello");
            await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", requestId));
        }

        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            for (var t = 0; t < 2; t++) await TurnAsync(client, $"{prefix}-{i}-{t}");
        }));
        var quiet = Stopwatch.GetTimestamp();
        for (var t = 0; Stopwatch.GetElapsedTime(quiet) < TimeSpan.FromSeconds(4); t++) await TurnAsync(clients[0], $"{prefix}-quiet-{t}");
    }

    private static Measurement Percentiles(string scenario, string metric, IEnumerable<double> values, string unit, string target)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Measurement(scenario, metric, At(0.50), At(0.99), sorted.Average(), unit, sorted.Length, target);
    }

    /// <summary>When the model produced the token a <see cref="TokenNumber"/> match names.</summary>
    private static long ProducedAt(TokenModel model, Match token) =>
        model.ProducedAt[int.Parse(token.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)];

    [GeneratedRegex(@"w(\d+) ")]
    private static partial Regex TokenNumber();

    /// <summary>The local stack in memory on a free port, with per-user limits lifted (the load comes from few users).</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly LocalHostOptions _options;

        private Stack(WebApplication app, LocalHostOptions options)
        {
            _app = app;
            _options = options;
        }

        public static ConduitSettings Unlimited(ConduitSettings settings) =>
            settings with
            {
                MessageRate = new RateLimit(1_000_000, 60_000_000), MaxConnectionsPerUser = 100_000, MaxTurnsInFlightPerUser = 100_000,
            };

        public static async Task<Stack> StartAsync(Func<LocalHostOptions, LocalHostOptions>? configure = null, IChatClient? model = null)
        {
            var options = new LocalHostOptions
            {
                Port = LoopbackPort.Free(),
                InMemory = true,
                Model = new OfflineModelOptions { FirstTokenDelay = TimeSpan.Zero, TokenDelay = TimeSpan.Zero },
                Settings = Unlimited(new ConduitSettings()),
            };
            options = configure?.Invoke(options) ?? options;
            var app = LocalStack.Create(options, services =>
            {
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
                if (model is not null) services.AddSingleton<IChatClient>(model);
                services.AddSingleton(
                    sp => new ObservedWorkflowStarter(new LocalWorkflowStarter(sp.GetRequiredService<StepFunctionsEmulator>())));
                services.AddSingleton<IWorkflowStarter>(sp => sp.GetRequiredService<ObservedWorkflowStarter>());
            });
            await app.StartAsync();
            return new Stack(app, options);
        }

        /// <summary>Reads wait longer than a test's: under the heaviest scenarios a frame can queue behind thousands.</summary>
        public static Task<ChatConnection> ConnectAsync(LocalHostOptions options, string user) =>
            DevelopmentTokens.ConnectAsync(options.HttpBase, options.WebSocketUrl, user, patience: TimeSpan.FromMinutes(2));

        public Task<ChatConnection> ConnectAsync(string user) => ConnectAsync(_options, user);

        /// <summary>The turn is acknowledged before the Dispatcher starts its execution, so first wait for the start.</summary>
        public async Task WaitForExecutionAsync(string name)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await _app.Services.GetRequiredService<ObservedWorkflowStarter>().WhenStartedAsync(name).WaitAsync(limit.Token);
            await _app.Services.GetRequiredService<StepFunctionsEmulator>().WaitForCompletionAsync(name, limit.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
