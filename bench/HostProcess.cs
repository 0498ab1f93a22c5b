using System.Diagnostics;
using System.Net.Sockets;

namespace Conduit.Bench;

/// <summary>
/// The local stack in a process of its own (Conduit.Local.dll from this build's output), for figures that belong to
/// the host alone, such as its resident memory, with the clients' sockets and buffers kept out of them.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private const string ReadyLine = "Conduit local stack is ready.";
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri HttpBase => new($"http://127.0.0.1:{Port}");

    public Uri WebSocketUrl => new($"ws://127.0.0.1:{Port}/local");

    public static async Task<HostProcess> StartAsync(params string[] arguments)
    {
        var port = LoopbackPort.Free();
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "Conduit.Local.dll"), "--in-memory", "--port", $"{port}", .. arguments])
            startInfo.ArgumentList.Add(argument);
        var host = new HostProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, port);
        host._process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith(ReadyLine, StringComparison.Ordinal) == true) host._ready.TrySetResult();
        };
        host._process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } text) Console.Error.WriteLine($"host: {text}");
        };
        host._process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException("The local stack exited before it was ready."));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        await host._ready.Task.WaitAsync(TimeSpan.FromMinutes(1));
        return host;
    }

    /// <summary>The pages of the host actually in memory now.</summary>
    public long ResidentBytes() => ProcessMemory.ResidentBytes(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
