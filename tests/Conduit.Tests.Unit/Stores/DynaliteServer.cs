using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Conduit.Shared.Aws.DynamoDb;

namespace Conduit.Tests.Unit.Stores;

[CollectionDefinition(Name)]
public sealed class DynaliteCollection : ICollectionFixture<DynaliteServer>
{
    public const string Name = "dynalite";
}

/// <summary>
/// dynalite (a DynamoDB-compatible server on Node.js) on a free loopback port, with Conduit's tables created from
/// <see cref="ConduitTables"/>; one per test run. It is installed from tests/dynalite's lock file on first use.
/// Where Node.js is missing it stays unstarted, and <see cref="RequiresNodeAttribute"/> skips its tests.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime, IStoreBackend
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
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
        new DynamoFrameStore(Client, Tables, time));

    public async Task InitializeAsync()
    {
        if (NodeTools.Find() is not { } tools) return;
        var folder = FindPackageFolder();
        using (var install = new CancellationTokenSource(InstallTimeout)) await EnsureInstalledAsync(tools, folder, install.Token);

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

    /// <summary>tests/dynalite, found from the test binaries upwards so any checkout location works.</summary>
    private static string FindPackageFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "dynalite");
            if (File.Exists(Path.Combine(candidate, "package-lock.json"))) return candidate;
        }
        throw new InvalidOperationException($"No tests/dynalite/package-lock.json above {AppContext.BaseDirectory}.");
    }

    /// <summary>npm writes node_modules/.package-lock.json last, so its presence (newer than the lock file) means a whole, current install.</summary>
    private static bool IsInstalled(string folder)
    {
        var installed = Path.Combine(folder, "node_modules", ".package-lock.json");
        return File.Exists(installed)
            && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(folder, "package-lock.json"))
            && File.Exists(CliPath(folder));
    }

    private static string CliPath(string folder) => Path.Combine(folder, "node_modules", "dynalite", "cli.js");

    /// <summary>Test processes may start together (several test projects, several runs); the lock lets one of them install.</summary>
    private static async Task EnsureInstalledAsync(NodeTools tools, string folder, CancellationToken cancellationToken)
    {
        if (IsInstalled(folder)) return;
        var lockName = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..16];
        await using var installLock = await AcquireLockAsync(Path.Combine(Path.GetTempPath(), $"conduit-dynalite-{lockName}.lock"), cancellationToken);
        if (IsInstalled(folder)) return;

        var output = new ConcurrentQueue<string>();
        using var npm = StartProcess(tools.Npm, ["ci", "--no-audit", "--no-fund"], folder, output);
        try
        {
            await npm.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm ci in {folder} did not finish within {InstallTimeout}:\n{string.Join('\n', output)}");
        }
        if (npm.ExitCode != 0 || !IsInstalled(folder))
            throw new InvalidOperationException($"npm ci in {folder} failed with exit code {npm.ExitCode}:\n{string.Join('\n', output)}");
    }

    /// <summary>An exclusive open is an OS file lock, released even if the holder dies; there is no event to wait on, so retry.</summary>
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>The free port is picked before dynalite binds it, so another process can take it first: then try another.</summary>
    private async Task<int> StartAsync(NodeTools tools, string folder, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var port = FreePort();
            _process = StartProcess(tools.Node,
                [CliPath(folder), "--host", "127.0.0.1", "--port", $"{port}", "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
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

    private static Process StartProcess(string fileName, IEnumerable<string> arguments, string workingDirectory, ConcurrentQueue<string> output)
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
