namespace Conduit.Tests.Support;

/// <summary>
/// The local stack in a process of its own: the Conduit.Local.dll that a project referencing Conduit.Local finds
/// beside its own binaries. A test can kill it outright and start it again over the same data folder; the bench
/// reads figures that belong to the host alone, such as its resident memory.
/// </summary>
public static class LocalHostProcess
{
    /// <summary>What the host prints once it listens (LocalStack.PrintReady); this project cannot reference the host.</summary>
    public const string ReadyLine = "Conduit local stack is ready.";

    /// <summary>Long enough for <c>--functions processes</c> to build the function bootstraps first.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "Conduit.Local.dll");

    /// <summary>Starts the host on <paramref name="port"/> and returns once it has printed that it is ready.</summary>
    /// <param name="arguments">The host's command line after <c>--port</c>: <c>--in-memory</c>, <c>--data-dir</c> and so on.</param>
    public static async Task<LoopbackServer> StartAsync(int port, params string[] arguments)
    {
        var host = HostAssembly;
        if (!File.Exists(host)) throw new FileNotFoundException($"{host} is missing: reference Conduit.Local from this project.", host);
        var process = await ChildProcess.StartServerAsync(
            "dotnet", [host, "--port", $"{port}", .. arguments], AppContext.BaseDirectory,
            line => line.StartsWith(ReadyLine, StringComparison.Ordinal), StartTimeout);
        return new LoopbackServer(process, port);
    }

    /// <summary>Runs the host with <paramref name="arguments"/> to its exit, for the runs that must not start.</summary>
    public static Task<ProcessResult> RunToExitAsync(IEnumerable<string> arguments, string? workingDirectory = null) =>
        ChildProcess.RunAsync("dotnet", [HostAssembly, .. arguments], workingDirectory ?? AppContext.BaseDirectory, StartTimeout);
}
