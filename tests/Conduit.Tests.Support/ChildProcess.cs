using System.Diagnostics;

namespace Conduit.Tests.Support;

/// <summary>
/// A program the tests or the bench run (dotnet, node, npm, git, the local host), with stdout and stderr gathered line
/// by line for failure messages. Disposing kills whatever of its process tree still runs, so no test leaves one behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource Seen)> _watchers = [];

    private ChildProcess(ProcessStartInfo startInfo)
    {
        CommandLine = string.Join(' ', [startInfo.FileName, .. startInfo.ArgumentList]);
        _process = new Process { StartInfo = startInfo };
        _process.OutputDataReceived += (_, line) => Observe(line.Data);
        _process.ErrorDataReceived += (_, line) => Observe(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Both streams' lines so far, in the order they were read.</summary>
    public string Output
    {
        get
        {
            lock (_lock) return string.Join('\n', _lines);
        }
    }

    /// <param name="workingDirectory">Null to run where this process runs.</param>
    /// <param name="environment">Variables to set (a null value removes one) on top of this process's environment.</param>
    public static ChildProcess Start(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) startInfo.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) startInfo.Environment.Remove(name);
            else startInfo.Environment[name] = value;
        }
        return new ChildProcess(startInfo);
    }

    /// <summary>Runs a program to its end; past <paramref name="timeout"/> it is killed and this throws, with its output.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string?>? environment = null)
    {
        await using var process = Start(fileName, arguments, workingDirectory, environment);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{process.CommandLine} did not finish within {timeout}:\n{process.Output}");
        }
        return new ProcessResult(process.CommandLine, process.ExitCode, process.Output);
    }

    /// <summary>
    /// Starts a server and returns it once it has printed a line <paramref name="ready"/> accepts: a server that says
    /// when it listens is waited for by what it says, not by polling its port. If it exits first, or says nothing
    /// in time, it is disposed and this throws (InvalidOperationException, TimeoutException) with its output.
    /// </summary>
    public static async Task<ChildProcess> StartServerAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, Func<string, bool> ready, TimeSpan timeout)
    {
        var process = Start(fileName, arguments, workingDirectory);
        try
        {
            if (await process.WaitForLineAsync(ready, timeout)) return process;
            throw new InvalidOperationException($"{process.CommandLine} exited before it was ready:\n{process.Output}");
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>The exit code, once the process has ended and both streams have been read to their end.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>
    /// True once the process has printed a line <paramref name="matches"/> accepts (before this call or after), false if
    /// it ended without one.
    /// </summary>
    private async Task<bool> WaitForLineAsync(Func<string, bool> matches, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lines.Any(matches)) return true;
            _watchers.Add((matches, seen));
        }
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            var exited = _process.WaitForExitAsync(limit.Token);
            if (await Task.WhenAny(seen.Task, exited) == seen.Task) return true;
            await exited;
            return seen.Task.IsCompleted;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{CommandLine} printed no awaited line within {timeout}:\n{Output}");
        }
        finally
        {
            lock (_lock) _watchers.RemoveAll(watcher => watcher.Seen == seen);
        }
    }

    /// <summary>SIGKILL to the whole tree: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Observe(string? line)
    {
        if (line is null) return;
        List<TaskCompletionSource> seen;
        lock (_lock)
        {
            _lines.Add(line);
            seen = [.. _watchers.Where(watcher => watcher.Matches(line)).Select(watcher => watcher.Seen)];
        }
        foreach (var watcher in seen) watcher.TrySetResult();
    }
}
