using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// The local stack as a separate process (the built Conduit.Local.dll), so a test can kill it outright and
/// start it again over the same data folder.
/// </summary>
public sealed class LocalStackProcess : IAsyncDisposable
{
    private const string ReadyLine = "Conduit local stack is ready.";
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private LocalStackProcess(Process process) => _process = process;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the host and returns once it has printed that it is ready.</summary>
    public static async Task<LocalStackProcess> StartAsync(int port, string dataDirectory, params string[] extraArguments)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(LocalAssembly());
        foreach (var argument in (string[])["--port", $"{port}", "--data-dir", dataDirectory, "--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"), .. extraArguments])
            startInfo.ArgumentList.Add(argument);

        var host = new LocalStackProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        host._process.OutputDataReceived += (_, line) => host.Observe(line.Data);
        host._process.ErrorDataReceived += (_, line) => host.Observe(line.Data);
        host._process.Exited += (_, _) => host._ready.TrySetException(new InvalidOperationException($"The local stack exited before it was ready:\n{host.Output}"));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        await host._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return host;
    }

    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }

    private void Observe(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
        if (line.StartsWith(ReadyLine, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    /// <summary>Conduit.Local.dll as the solution build left it, in the same configuration as these tests.</summary>
    private static string LocalAssembly()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        for (var folder = testOutput; folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "Local", "bin", configuration, framework, "Conduit.Local.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"Conduit.Local.dll ({configuration}/{framework}) was not found above {AppContext.BaseDirectory}; build the solution first.");
    }
}
