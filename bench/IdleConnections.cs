using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Conduit.Tests.Support;

namespace Conduit.Bench;

public static partial class Scenarios
{
    private const int IdleConnectionCount = 10_000;
    private const int IdleConnectionsPerUser = 10;

    /// <summary>
    /// 10,000 idle connections held by a host in its own process: its resident memory before and after, and a ping
    /// over every connection at the end to show all are still served. The clients come from 127.0.0.2–.5 so no
    /// single source address runs short of ports, and from 1,000 users because a user may hold 10 connections.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> IdleConnectionsAsync()
    {
        await using var host = await LocalHostProcess.StartAsync(LoopbackPort.Free(), "--in-memory");
        using var http = new HttpClient { BaseAddress = host.HttpBase };
        var tokens = new string[IdleConnectionCount / IdleConnectionsPerUser];
        for (var user = 0; user < tokens.Length; user++) tokens[user] = await DevelopmentTokens.ForUserAsync(http, $"idle-{user}");

        var before = ProcessMemory.ResidentBytes(host.ProcessId);
        var invokers = Enumerable.Range(2, 4).Select(last => BoundInvoker(IPAddress.Parse($"127.0.0.{last}"))).ToArray();
        var clients = new ChatConnection[IdleConnectionCount];
        var connecting = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(100))
        {
            await Task.WhenAll(Enumerable.Range(0, IdleConnectionCount).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    clients[i] = await ChatConnection.OpenAsync(
                        host.WebSocketUrl("local"), token: tokens[i / IdleConnectionsPerUser], invoker: invokers[i % invokers.Length]);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        connecting.Stop();
        var held = ProcessMemory.ResidentBytes(host.ProcessId);

        var pings = await Task.WhenAll(clients.Select(PingAsync));
        var after = ProcessMemory.ResidentBytes(host.ProcessId);
        var answered = pings.Count(p => p is not null);

        await Task.WhenAll(clients.Select(client => client.DisposeAsync().AsTask()));
        foreach (var invoker in invokers) invoker.Dispose();

        const double Megabyte = 1024 * 1024;
        return
        [
            new Measurement("connections", "host RSS before connecting", 0, 0, before / Megabyte, "MB", 1, ""),
            new Measurement(
                "connections", $"host RSS holding {IdleConnectionCount:N0} idle connections", 0, 0, held / Megabyte, "MB",
                IdleConnectionCount, "< 1,024 MB"),
            new Measurement(
                "connections", "host RSS per idle connection", 0, 0, (held - before) / (double)IdleConnectionCount / 1024, "KB",
                IdleConnectionCount, ""),
            new Measurement(
                "connections", "host RSS after a ping on every connection", 0, 0, after / Megabyte, "MB", IdleConnectionCount,
                "< 1,024 MB"),
            new Measurement(
                "connections", "connections opened per second (100 at a time)", 0, 0,
                IdleConnectionCount / connecting.Elapsed.TotalSeconds, "conn/s", IdleConnectionCount, ""),
            Percentiles("connections", $"ping → pong with all held ({answered:N0} of {IdleConnectionCount:N0} answered)",
                pings.Where(p => p is not null).Select(p => p!.Value), "ms", "all answered"),
        ];
    }

    private static HttpMessageInvoker BoundInvoker(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });

    /// <summary>Milliseconds from the ping sent to the next frame's arrival, or null when that frame is not the pong.</summary>
    private static async Task<double?> PingAsync(ChatConnection client)
    {
        var sent = Stopwatch.GetTimestamp();
        await client.PingAsync();
        var answer = await client.NextReceivedAsync();
        return ChatFrames.Is(answer.Frame, "pong") ? Stopwatch.GetElapsedTime(sent, answer.ReceivedAt).TotalMilliseconds : null;
    }
}
