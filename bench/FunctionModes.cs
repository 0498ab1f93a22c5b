using System.Diagnostics;
using Conduit.Local.Hosting;
using Conduit.Local.Model;
using Conduit.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Bench;

/// <summary>
/// One turn with the functions in the host and as processes of their own (<c>--functions processes</c>, stores on
/// dynalite): send → first token and send → done (median of a few turns, each its own user and session, after one
/// warm-up turn that pays the cold starts), how many processes run, and how many HTTP requests one turn makes, counted
/// where they arrive: the host's port (AWS endpoint, @connections) and the functions' Runtime APIs. DynamoDB requests go
/// to dynalite and are not counted.
/// </summary>
public static partial class Scenarios
{
    private const int ModeTurns = 5;

    private static async Task<IReadOnlyList<Measurement>> ModesAsync()
    {
        var node = NodeTools.Find() ?? throw new InvalidOperationException($"modes: {NodeTools.MissingReason}");
        await using var dynalite = await DynaliteProcess.StartAsync(node, CancellationToken.None);
        var results = new List<Measurement>();
        foreach (var mode in new[] { FunctionsMode.InProcess, FunctionsMode.Processes })
        {
            results.AddRange(await MeasureModeAsync(mode, dynalite.HttpBase));
        }
        return results;
    }

    private static async Task<IReadOnlyList<Measurement>> MeasureModeAsync(FunctionsMode mode, Uri dynamoDb)
    {
        var requests = new HostRequestCounter();
        var options = new LocalHostOptions
        {
            Port = LoopbackPort.Free(),
            InMemory = true,
            Model = new OfflineModelOptions { FirstTokenDelay = TimeSpan.Zero, TokenDelay = TimeSpan.Zero },
        };
        if (mode == FunctionsMode.Processes) options = options with { Functions = mode, Store = new DynamoDbStore(dynamoDb) };
        var app = LocalStack.Create(options, services =>
        {
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<IStartupFilter>(requests);
        });
        await using (app)
        {
            await app.StartAsync();
            var functions = app.Services.GetService<FunctionProcesses>();
            await TimeTurnAsync(options, "modes-warm");
            var (hostBefore, runtimeBefore) = (requests.Snapshot(), RuntimeApiRequests(functions));
            var firstTokens = new List<double>();
            var dones = new List<double>();
            for (var i = 0; i < ModeTurns; i++)
            {
                var (firstToken, done) = await TimeTurnAsync(options, $"modes-{i}");
                firstTokens.Add(firstToken);
                dones.Add(done);
            }
            var host = requests.Snapshot();
            var runtime = RuntimeApiRequests(functions) - runtimeBefore;
            var processes = 1 + (functions?.Pools.Values.Sum(pool => pool.ProcessIds.Count) ?? 0)
                + (mode == FunctionsMode.Processes ? 1 : 0);
            var name = mode == FunctionsMode.Processes ? "processes" : "in-process";
            await app.StopAsync();
            double PerTurn(long count) => (double)count / ModeTurns;
            return
            [
                Percentiles("modes", $"{name}: send → first token", firstTokens, "ms", ""),
                Percentiles("modes", $"{name}: send → done", dones, "ms", ""),
                new("modes", $"{name}: processes (host, functions, dynalite)", 0, 0, processes, "processes", 1, ""),
                new("modes", $"{name}: HTTP to the AWS endpoint per turn", 0, 0,
                    PerTurn(host.Aws - hostBefore.Aws), "requests", ModeTurns, ""),
                new("modes", $"{name}: HTTP to @connections per turn", 0, 0,
                    PerTurn(host.Connections - hostBefore.Connections), "requests", ModeTurns, ""),
                new("modes", $"{name}: HTTP to Runtime APIs per turn", 0, 0, PerTurn(runtime), "requests", ModeTurns, ""),
            ];
        }
    }

    private static long RuntimeApiRequests(FunctionProcesses? functions) =>
        functions?.Pools.Values.Sum(pool => pool.RuntimeApiRequests) ?? 0;

    private static async Task<(double FirstToken, double Done)> TimeTurnAsync(LocalHostOptions options, string user)
    {
        await using var chat = await Stack.ConnectAsync(options, user);
        var sent = Stopwatch.GetTimestamp();
        await chat.SendMessageAsync("turn", "Hello there, who are you?");
        var frames = await chat.ReadUntilAsync(frame => ChatFrames.Is(frame, "done", "turn") || ChatFrames.Is(frame, "error", "turn"));
        var token = frames.FirstOrDefault(frame => frame.Frame.GetProperty("type").GetString() == "token")
            ?? throw new InvalidOperationException($"modes: the turn of {user} streamed no token.");
        if (!ChatFrames.Is(frames[^1].Frame, "done", "turn")) throw new InvalidOperationException($"modes: the turn of {user} failed.");
        return (Stopwatch.GetElapsedTime(sent, token.ReceivedAt).TotalMilliseconds,
            Stopwatch.GetElapsedTime(sent, frames[^1].ReceivedAt).TotalMilliseconds);
    }

    /// <summary>Counts requests at the host's port: AWS API calls (a signed request) and @connections calls.</summary>
    private sealed class HostRequestCounter : IStartupFilter
    {
        private long _aws;
        private long _connections;

        public (long Aws, long Connections) Snapshot() => (Interlocked.Read(ref _aws), Interlocked.Read(ref _connections));

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Path.Value?.Contains("/@connections/", StringComparison.Ordinal) == true)
                    Interlocked.Increment(ref _connections);
                else if (context.Request.Headers.Authorization.ToString().StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal))
                    Interlocked.Increment(ref _aws);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
