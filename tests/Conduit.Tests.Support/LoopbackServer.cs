namespace Conduit.Tests.Support;

/// <summary>
/// A child process serving on a loopback port, started by <see cref="LocalHostProcess"/> or <see cref="DynaliteProcess"/>;
/// disposing kills it.
/// </summary>
public sealed class LoopbackServer(ChildProcess process, int port) : IAsyncDisposable
{
    public int Port { get; } = port;

    public Uri HttpBase => new($"http://127.0.0.1:{Port}/");

    public int ProcessId => process.Id;

    public string Output => process.Output;

    public Uri WebSocketUrl(string path) => new($"ws://127.0.0.1:{Port}/{path}");

    /// <inheritdoc cref="ChildProcess.KillAsync"/>
    public Task KillAsync() => process.KillAsync();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
