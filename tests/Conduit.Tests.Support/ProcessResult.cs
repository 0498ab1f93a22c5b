namespace Conduit.Tests.Support;

/// <summary>How a program run to its end by <see cref="ChildProcess.RunAsync"/> ended, and what it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The output of a run that had to succeed; otherwise an exception that carries it.</summary>
    public string OutputIfSucceeded() =>
        Succeeded ? Output : throw new InvalidOperationException($"{CommandLine} failed with exit code {ExitCode}:\n{Output}");
}
