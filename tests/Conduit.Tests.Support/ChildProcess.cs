using System.Collections.Concurrent;
using System.Diagnostics;

namespace Conduit.Tests.Support;

/// <summary>Runs a program the tests need (npm, node, dotnet) with its output gathered for the failure message.</summary>
public static class ChildProcess
{
    public static Process Start(string fileName, IEnumerable<string> arguments, string workingDirectory, ConcurrentQueue<string> output)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
