using System.Diagnostics;
using Conduit.Local.Hosting;
using Conduit.Tests.Support;

namespace Conduit.Bench;

public static partial class Scenarios
{
    /// <summary>
    /// Turns one after another in one session on the AWS latency profile: a 40-token answer, one token every 10 ms.
    /// Measured: send → ack, send → first status, send → first token less the model's own time to its first token,
    /// and each token's lag from the model producing it to the client receiving it.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> AwsLatencyAsync()
    {
        const int Turns = 30;
        var profile = LatencyProfile.Aws;
        var model = new TokenModel(40, TimeSpan.FromMilliseconds(10));
        await using var stack = await Stack.StartAsync(options => options with { Latency = profile }, model);
        await using var client = await stack.ConnectAsync("aws-profile");
        await WarmUpAsync([client], "aws-warm");
        await client.SendMessageAsync("aws-session", "Hello");
        var sessionId = (await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", "aws-session")))
            .First(f => ChatFrames.Is(f.Frame, "ack", "aws-session")).Frame.GetProperty("sessionId").GetString()!;

        List<double> ack = [], newSessionAck = [], status = [], overhead = [], lag = [];
        for (var i = 0; i < Turns; i++)
        {
            var requestId = $"aws-{i}";
            var newSession = i % 3 == 0;
            var sent = Stopwatch.GetTimestamp();
            await client.SendMessageAsync(requestId, "Stream please", newSession ? null : sessionId);
            var frames = await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", requestId));
            (newSession ? newSessionAck : ack).Add(
                Stopwatch.GetElapsedTime(sent, frames.First(f => ChatFrames.Is(f.Frame, "ack", requestId)).ReceivedAt).TotalMilliseconds);
            status.Add(Stopwatch.GetElapsedTime(sent, frames.First(f => ChatFrames.Is(f.Frame, "status", requestId)).ReceivedAt)
                .TotalMilliseconds);
            var firstToken = frames.First(f => ChatFrames.Is(f.Frame, "token", requestId)).ReceivedAt;
            var modelFirstToken = Stopwatch.GetElapsedTime(model.StreamStartedAt, model.ProducedAt[0]);
            overhead.Add((Stopwatch.GetElapsedTime(sent, firstToken) - modelFirstToken).TotalMilliseconds);
            lag.AddRange(frames.Where(f => ChatFrames.Is(f.Frame, "token", requestId))
                .SelectMany(f => TokenNumber().Matches(f.Frame.GetProperty("text").GetString()!)
                    .Select(m => Stopwatch.GetElapsedTime(ProducedAt(model, m), f.ReceivedAt).TotalMilliseconds)));
        }
        var ackBudget = 2 * profile.StoreCall + profile.QueueSend + profile.FunctionInvoke;
        return
        [
            Percentiles(
                "latency-aws", "send → ack, in a session", ack, "ms",
                $"≤ {ackBudget.TotalMilliseconds:0} ms (invoke + 2 store + 1 queue send)"),
            Percentiles("latency-aws", "send → ack, new session", newSessionAck, "ms", $"≤ {ackBudget.TotalMilliseconds:0} ms"),
            Percentiles("latency-aws", "send → first status", status, "ms", ""),
            Percentiles("latency-aws", "send → first token − model's time to first token", overhead, "ms", "≤ 300 ms"),
            Percentiles("latency-aws", "token lag (produced → received)", lag, "ms", "p99 ≤ 100 ms"),
        ];
    }

    /// <summary>
    /// The paced ack load of <see cref="AckLatencyAsync"/> (200 clients, exponential gaps of mean 2 s, 5 messages each)
    /// against Conduit and, at the same time in the same process, against a bare Kestrel WebSocket server that acks at
    /// once: the ratio of the two p99s is what Conduit's ack path costs over the socket itself.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> AckVersusBareAsync()
    {
        await using var stack = await Stack.StartAsync();
        await using var bare = await BareWebSocketServer.StartAsync(LoopbackPort.Free());
        var conduitClients = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => stack.ConnectAsync($"vs-{i}")));
        var bareClients = await Task.WhenAll(Enumerable.Range(0, 200)
            .Select(_ => ChatConnection.OpenAsync(bare.Url, token: "bare", patience: TimeSpan.FromMinutes(2))));
        await SendAndTimeAcksAsync(bareClients, "bare-warm", _ => TimeSpan.Zero);
        await WarmUpAsync(conduitClients, "vs-warm");

        Func<int, TimeSpan> Paced(int seed)
        {
            var random = new Random(seed);
            return _ =>
            {
                lock (random) return TimeSpan.FromSeconds(-2 * Math.Log(1 - random.NextDouble()));
            };
        }
        var bareAlone = await SendAndTimeAcksAsync(bareClients, "alone-bare", Paced(20261123));
        var conduitAlone = await SendAndTimeAcksAsync(conduitClients, "alone", Paced(20261124));
        var conduitRun = SendAndTimeAcksAsync(conduitClients, "vs", Paced(20261121));
        var bareRun = SendAndTimeAcksAsync(bareClients, "vs-bare", Paced(20261122));
        var conduit = await conduitRun;
        var floor = await bareRun;
        foreach (var client in conduitClients.Concat(bareClients)) await client.DisposeAsync();
        return
        [
            .. Compared("one after the other", conduitAlone, bareAlone),
            .. Compared("both at once", conduit, floor),
        ];
    }

    private static IEnumerable<Measurement> Compared(string how, double[] conduit, double[] bare)
    {
        var conduitAcks = Percentiles("ack-vs-bare", $"Conduit: send → ack, paced, {how}", conduit, "ms", "");
        var bareAcks = Percentiles("ack-vs-bare", $"bare Kestrel WebSocket: send → ack, paced, {how}", bare, "ms", "");
        return
        [
            conduitAcks,
            bareAcks,
            new Measurement(
                "ack-vs-bare", $"Conduit p99 ÷ bare p99, {how}", 0, 0, conduitAcks.P99 / bareAcks.P99, "×", conduitAcks.Samples, "≤ 3×"),
        ];
    }
}
