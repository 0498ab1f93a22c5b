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
/// dynalite (a DynamoDB-compatible server on Node.js, see <see cref="DynaliteProcess"/>) with Conduit's tables created
/// from <see cref="ConduitTables"/>; one per test run. Where Node.js is missing it stays unstarted, and
/// <see cref="RequiresNodeAttribute"/> skips its tests.
/// </summary>
public sealed class DynaliteServer : IAsyncLifetime, IStoreBackend
{
    private static readonly TimeSpan StartTimeout = NodePackages.InstallTimeout + TimeSpan.FromMinutes(1);

    private LoopbackServer? _dynalite;
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
        new DynamoRateLimitStore(Client, Tables))
    {
        SessionDirectory = new DynamoSessionDirectory(Client, Tables, time),
    };

    public async Task InitializeAsync()
    {
        if (NodeTools.Find() is not { } tools) return;
        using var start = new CancellationTokenSource(StartTimeout);
        _dynalite = await DynaliteProcess.StartAsync(tools, start.Token);
        _client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = _dynalite.HttpBase.AbsoluteUri, AuthenticationRegion = "us-east-1" });
        await CreateTablesAsync(_client, start.Token);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_dynalite is not null) await _dynalite.DisposeAsync();
    }

    /// <summary>dynalite runs with --createTableMs 0, so a table is ACTIVE at once or after a few polls of its state.</summary>
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
}
