using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Conduit.Aws.DynamoDb;
using Conduit.Tests.Support;
using Conduit.Tests.Support.Stores;

namespace Conduit.Tests.Aws.DynamoDb;

[CollectionDefinition(Name)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteServer>
{
    public const string Name = "dynalite";
}

/// <summary>
/// dynalite (a DynamoDB-compatible server on Node.js) on a free loopback port, with Conduit's tables created from
/// <see cref="ConduitTables"/>; one per test run. It is installed from tests/node's lock file on first use.
/// Where Node.js is missing it stays unstarted, and <see cref="RequiresNodeAttribute"/> skips its tests.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime, IStoreBackend
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private AmazonDynamoDBClient? _client;

    public IAmazonDynamoDB Client => _client ?? throw new InvalidOperationException("dynalite is not running.");

    public DynamoTableNames Tables { get; } = DynamoTableNames.WithPrefix("conduit-test");

    public ChatStores Open(TimeProvider time, TimeSpan ttl) => new(
        new DynamoConnectionStore(Client, Tables),
        new DynamoSessionStore(Client, Tables, time, ttl),
        new DynamoTurnStore(Client, Tables, time, ttl),
        new DynamoHistoryStore(Client, Tables, time),
        new DynamoFrameStore(Client, Tables, time),
        new DynamoSubscriptionStore(Client, Tables),
        new DynamoRateLimitStore(Client, Tables));

    public async Task InitializeAsync()
    {
        if (NodeTools.Find() is not { } tools) return;
        var folder = NodePackages.Folder;
        using (var install = new CancellationTokenSource(NodePackages.InstallTimeout)) await NodePackages.EnsureInstalledAsync(tools, install.Token);

        using var start = new CancellationTokenSource(StartTimeout);
        var port = await StartAsync(tools, folder, start.Token);
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = $"http://127.0.0.1:{port}", AuthenticationRegion = "us-east-1" });
        await CreateTablesAsync(_client, start.Token);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The free port is picked before dynalite binds it, so another process can take it first: then try another.</summary>
    private async Task<int> StartAsync(NodeTools tools, string folder, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            _process = ChildProcess.Start(tools.Node,
                [NodePackages.ModulePath("dynalite", "cli.js"), "--host", "127.0.0.1", "--port", $"{port}", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
                folder, _output);
            try
            {
                if (await WaitUntilListeningAsync(_process, port, cancellationToken)) return port;
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"dynalite did not accept connections on port {port} within {StartTimeout}:\n{string.Join('\n', _output)}");
            }
            _process.Dispose();
            _process = null;
        }
        throw new InvalidOperationException($"dynalite did not start:\n{string.Join('\n', _output)}");
    }

    /// <summary>True once the port accepts a connection; false if dynalite exits first. Bounded by the caller's token.</summary>
    private static async Task<bool> WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        while (!process.HasExited)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
        }
        return false;
    }

    private async Task CreateTablesAsync(IAmazonDynamoDB client, CancellationToken cancellationToken)
    {
        foreach (var table in ConduitTables.All)
            await client.CreateTableAsync(table.ToCreateTableRequest(Tables.For(table)), cancellationToken);
        foreach (var table in ConduitTables.All)
        {
            while ((await client.DescribeTableAsync(Tables.For(table), cancellationToken)).Table.TableStatus != TableStatus.ACTIVE)
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }


    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
