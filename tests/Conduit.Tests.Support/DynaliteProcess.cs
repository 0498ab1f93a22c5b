namespace Conduit.Tests.Support;

/// <summary>
/// dynalite (a DynamoDB-compatible server on Node.js) from tests/node on a free loopback port, with its data in memory,
/// so every start has no tables. It is installed from the committed lock file on first use.
/// </summary>
public static class DynaliteProcess
{
    private const string ListeningLine = "Dynalite listening at";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The free port is picked before dynalite binds it, and its <c>--port</c> takes no 0, so another process can take
    /// the port first: dynalite then exits, and another port is tried.
    /// </summary>
    /// <returns>The server; its <see cref="LoopbackServer.HttpBase"/> is the DynamoDB endpoint.</returns>
    public static async Task<LoopbackServer> StartAsync(NodeTools tools, CancellationToken cancellationToken)
    {
        await NodePackages.EnsureInstalledAsync(tools, cancellationToken);
        var failures = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = LoopbackPort.Free();
            try
            {
                var process = await ChildProcess.StartServerAsync(
                    tools.Node,
                    [
                        NodePackages.ModulePath("dynalite", "cli.js"), "--host", "127.0.0.1", "--port", $"{port}",
                        "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
                    ],
                    NodePackages.Folder,
                    line => line.StartsWith(ListeningLine, StringComparison.Ordinal),
                    StartTimeout);
                return new LoopbackServer(process, port);
            }
            catch (InvalidOperationException exited)
            {
                failures.Add(exited.Message);
            }
        }
        throw new InvalidOperationException($"dynalite did not start:\n{string.Join('\n', failures)}");
    }
}
