using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conduit.Bench;

/// <summary>
/// dynalite (the DynamoDB-compatible server the store tests use) from tests/node, on a free loopback port, for as long
/// as the cost scenario runs. It keeps its data in memory, so every run starts from empty tables.
/// </summary>
public sealed class DynaliteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;

    private DynaliteProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static string CliPath(string repositoryRoot) => Path.Combine(repositoryRoot, "tests", "node", "node_modules", "dynalite", "cli.js");

    /// <summary>Why dynalite cannot be started here, or null when node and the installed package are both present.</summary>
    public static string? MissingReason(string repositoryRoot)
    {
        if (FindNode() is null) return "Node.js (node on PATH) is needed to run dynalite for the cost scenario; install it and run again.";
        if (!File.Exists(CliPath(repositoryRoot)))
            return $"dynalite is not installed at {CliPath(repositoryRoot)}; run `npm ci --prefix tests/node` first.";
        return null;
    }

    /// <summary>The free port is picked before dynalite binds it, so another process can take it first: then try another.</summary>
    public static async Task<DynaliteProcess> StartAsync(string repositoryRoot, CancellationToken cancellationToken)
    {
        var node = FindNode() ?? throw new InvalidOperationException(MissingReason(repositoryRoot));
        var output = new ConcurrentQueue<string>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = LoopbackPort.Free();
            var process = Start(node, [CliPath(repositoryRoot), "--host", "127.0.0.1", "--port", $"{port}", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"], output);
            if (await WaitUntilListeningAsync(process, port, timeout.Token)) return new DynaliteProcess(process, new Uri($"http://127.0.0.1:{port}"));
            process.Dispose();
        }
        throw new InvalidOperationException($"dynalite did not start:\n{string.Join('\n', output)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static Process Start(string node, IEnumerable<string> arguments, ConcurrentQueue<string> output)
    {
        var process = new Process
        {
            StartInfo = new ProcessStartInfo(node, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>True once the port accepts a connection; false if dynalite exits first.</summary>
    private static async Task<bool> WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (!process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
        return false;
    }

    private static string? FindNode()
    {
        string[] names = OperatingSystem.IsWindows() ? ["node.exe"] : ["node"];
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(name => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }
}
