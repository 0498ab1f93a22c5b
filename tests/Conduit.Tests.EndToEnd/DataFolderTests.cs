using System.Net.WebSockets;
using System.Runtime.Versioning;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The data folder across real host processes: one host per folder, a kill leaves nobody locked out, a damaged
/// database stops start-up with one line, and nothing in it is readable by other users.
/// </summary>
public sealed class DataFolderTests : IDisposable
{
    private readonly TemporaryFolder _data = new("data-folder");
    private readonly int _port = LoopbackPort.Free();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Start_SecondHostOnTheSameFolder_ExitsWithOneLineNamingTheFolderAndTheRunningPort()
    {
        await using var first = await StartAsync(_port);
        await using var before = await ConnectAsync(_port, "first");

        var second = await RunToExitAsync("--port", $"{LoopbackPort.Free()}", "--data-dir", _data.Path);

        Assert.Equal(1, second.ExitCode);
        var line = Assert.Single(Lines(second.Output));
        Assert.Contains(Path.GetFullPath(_data.Path), line, StringComparison.Ordinal);
        Assert.Contains($"{_port}", line, StringComparison.Ordinal);
        await before.SendAsync(new { action = "sendMessage", requestId = "still-mine", text = "Are you still there?" });
        await before.ReadUntilAsync("done");
    }

    [Fact]
    public async Task Start_GarbageOverTheDatabase_ExitsWithOneLineNamingTheFile()
    {
        var database = _data.File("conduit.db");
        await File.WriteAllBytesAsync(database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31 % 251))]);

        var run = await RunToExitAsync("--port", $"{_port}", "--data-dir", _data.Path);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(Lines(run.Output));
        Assert.Contains(database, line, StringComparison.Ordinal);
        Assert.Contains("move it aside", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AfterSigkillOfAUserWithTenSockets_TheUserConnectsAgainAtOnce()
    {
        var sockets = new List<ChatConnection>();
        await using (var first = await StartAsync(_port))
        {
            for (var i = 0; i < 10; i++) sockets.Add(await ConnectAsync(_port, "ten"));
            var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(_port, "ten"));
            Assert.Contains("429", refused.Message, StringComparison.Ordinal);
            await first.KillAsync();
        }
        foreach (var socket in sockets) await socket.DisposeAsync();

        await using var second = await StartAsync(_port);
        await using var again = await ConnectAsync(_port, "ten");

        await again.SendAsync(new { action = "ping" });
        await again.ReadUntilAsync("pong");
    }

    [Fact]
    public async Task Start_FolderAndFilesOpenToOthers_LeavesThemOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        File.SetUnixFileMode(_data.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        await File.WriteAllTextAsync(_data.File("dev-signing-key"), Convert.ToBase64String(new byte[32]));
        File.SetUnixFileMode(_data.File("dev-signing-key"), (UnixFileMode)Convert.ToInt32("644", 8));

        await using var host = await StartAsync(_port);
        await using var chat = await ConnectAsync(_port, "modes");
        await chat.SendAsync(new { action = "sendMessage", requestId = "modes-1", text = "Write something down" });
        await chat.ReadUntilAsync("done");

        Assert.Equal("700", Mode(_data.Path));
        var files = Directory.GetFiles(_data.Path);
        Assert.Contains(_data.File("conduit.db"), files);
        Assert.Contains(_data.File("conduit.lock"), files);
        var modes = new List<string>();
        foreach (var file in files.Order(StringComparer.Ordinal)) modes.Add($"{Path.GetFileName(file)} {Mode(file)}");
        Assert.Equal(files.Order(StringComparer.Ordinal).Select(file => $"{Path.GetFileName(file)} 600"), modes);
    }

    [UnsupportedOSPlatform("windows")]
    private static string Mode(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);

    private static IEnumerable<string> Lines(string output) => output.Split('\n').Where(line => line.Trim().Length > 0);

    private Task<LoopbackServer> StartAsync(int port) => LocalHostProcess.StartAsync(
        port, "--data-dir", _data.Path, "--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"),
        "--token-delay-ms", "0", "--first-token-delay-ms", "0");

    private static Task<ProcessResult> RunToExitAsync(params string[] arguments) =>
        LocalHostProcess.RunToExitAsync(["--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"), .. arguments]);

    private static async Task<ChatConnection> ConnectAsync(int port, string user)
    {
        var httpBase = new Uri($"http://127.0.0.1:{port}/");
        return await ChatConnection.OpenAsync(
            new Uri($"ws://127.0.0.1:{port}/local"), token: await DevelopmentTokens.ForUserAsync(httpBase, user));
    }
}
