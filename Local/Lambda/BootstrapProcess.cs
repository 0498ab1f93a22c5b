using System.Collections.Concurrent;
using System.Diagnostics;
using Conduit.Aws.Lambda.Runtime;

namespace Conduit.Local.Lambda;

/// <summary>
/// A provided.al2023 bootstrap run as a child process the way Lambda runs it: the function's environment plus
/// <c>AWS_LAMBDA_RUNTIME_API</c> and <c>_HANDLER</c>, stdout and stderr gathered for diagnostics.
/// </summary>
public sealed class BootstrapProcess : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _output = new();

    private BootstrapProcess(ProcessStartInfo startInfo, Action<string>? output)
    {
        Process = new Process { StartInfo = startInfo };
        var write = output ?? _output.Enqueue;
        Process.OutputDataReceived += (_, line) => { if (line.Data is not null) write(line.Data); };
        Process.ErrorDataReceived += (_, line) => { if (line.Data is not null) write(line.Data); };
        StartedAt = Stopwatch.GetTimestamp();
        Process.Start();
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>A <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartedAt { get; }

    /// <summary>What the process wrote, when no <c>output</c> was given to <see cref="Start"/> to take each line instead.</summary>
    public string Output => string.Join('\n', _output);

    /// <param name="environment">The function's variables; a null value removes one this process would otherwise pass on.</param>
    /// <param name="output">Takes each line of stdout and stderr; without it they are kept for <see cref="Output"/>.</param>
    public static BootstrapProcess Start(
        string fileName, IEnumerable<string> arguments, string handler, string runtimeApi, IReadOnlyDictionary<string, string?> environment,
        Action<string>? output = null)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null) startInfo.Environment.Remove(name);
            else startInfo.Environment[name] = value;
        }
        startInfo.Environment[LambdaBootstrap.RuntimeApiVariable] = runtimeApi;
        startInfo.Environment[LambdaBootstrap.HandlerVariable] = handler;
        return new BootstrapProcess(startInfo, output);
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await Process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return Process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync().ConfigureAwait(false);
        Process.Dispose();
    }
}
