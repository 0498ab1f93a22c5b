using System.Net;
using System.Net.Sockets;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>What a newcomer meets when the host cannot start, asks for help, or waits for it in a terminal.</summary>
public sealed class FirstRunTests : IDisposable
{
    private readonly TemporaryFolder _parent = new("first-run");

    public void Dispose() => _parent.Dispose();

    [Fact]
    public async Task Start_Help_PrintsTheUsageAndExitsZero()
    {
        var run = await LocalHostProcess.RunToExitAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("Usage: dotnet run --project Local", run.Output.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("--port <n>", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_ExitsWithOneLineNamingThePortAndTheOption()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var data = _parent.File("data");

        var run = await LocalHostProcess.RunToExitAsync(["--port", $"{port}", "--data-dir", data, "--kb", Knowledge]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(Lines(run.Output));
        Assert.Contains($"port {port}", line, StringComparison.Ordinal);
        Assert.Contains("--port", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "the failed start left its data folder behind");
    }

    [Fact]
    public async Task Start_KnowledgeBaseFolderMissing_LeavesNoDataFolderBehind()
    {
        var data = _parent.File("data");

        var run = await LocalHostProcess.RunToExitAsync(
            ["--port", $"{LoopbackPort.Free()}", "--data-dir", data, "--kb", _parent.File("no-such-folder")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no-such-folder", Assert.Single(Lines(run.Output)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "the failed start left its data folder behind");
    }

    [Fact]
    public async Task Start_FailingOverAnExistingDataFolder_LeavesItsFilesAlone()
    {
        var data = _parent.File("data");
        Directory.CreateDirectory(data);
        var kept = Path.Combine(data, "notes.txt");
        await File.WriteAllTextAsync(kept, "mine");

        var run = await LocalHostProcess.RunToExitAsync(
            ["--port", $"{LoopbackPort.Free()}", "--data-dir", data, "--kb", _parent.File("no-such-folder")]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("mine", await File.ReadAllTextAsync(kept));
    }

    [Fact]
    public async Task Start_InATerminal_SaysWhatItIsDoingBeforeItIsReady()
    {
        var port = LoopbackPort.Free();
        var host = Path.Combine(AppContext.BaseDirectory, "Conduit.Local.dll");

        // script(1) gives the host a pseudo-terminal, as a person's shell would; progress is for terminals only.
        await using var run = await ChildProcess.StartServerAsync(
            "script",
            ["-qfec", $"dotnet {host} --port {port} --in-memory --kb {Knowledge}", "/dev/null"],
            AppContext.BaseDirectory,
            line => line.Contains(LocalHostProcess.ReadyLine, StringComparison.Ordinal),
            TimeSpan.FromMinutes(1));

        var lines = Lines(run.Output).ToList();
        var ready = lines.FindIndex(line => line.Contains(LocalHostProcess.ReadyLine, StringComparison.Ordinal));
        var starting = lines.FindIndex(
            line => line.Contains($"Starting Conduit's local stack on 127.0.0.1:{port}", StringComparison.Ordinal));
        Assert.InRange(starting, 0, ready - 1);
        Assert.Contains(lines.Take(ready), line => line.Contains("indexing the knowledge base", StringComparison.Ordinal));
    }

    private static string Knowledge => Path.Combine(AppContext.BaseDirectory, "knowledge");

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Where(line => line.Trim().Length > 0);
}
