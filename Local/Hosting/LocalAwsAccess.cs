using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Conduit.Aws;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Endpoints;

namespace Conduit.Local.Hosting;

/// <summary>
/// Region and credentials for the real AWS services the local stack was told to use, resolved once at start-up
/// so a missing setting stops the host with one line instead of failing the first turn.
/// </summary>
public sealed class LocalAwsAccess(LocalHostOptions options)
{
    private readonly Lazy<AwsClientSettings> _settings = new(() => Resolve(options));

    public AwsClientSettings Settings => _settings.Value;

    /// <summary>DynamoDB on AWS, or on a local endpoint (which checks no credentials and gets its tables created).</summary>
    public async Task<IAmazonDynamoDB> OpenDynamoDbAsync(DynamoDbStore store, DynamoTableNames tables, CancellationToken cancellationToken)
    {
        if (store.Endpoint is null)
        {
            return DynamoDbClientFactory.Create(Settings);
        }
        var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = store.Endpoint.AbsoluteUri, AuthenticationRegion = options.Region ?? "us-east-1" });
        await CreateMissingTablesAsync(client, tables, cancellationToken).ConfigureAwait(false);
        return client;
    }

    private static AwsClientSettings Resolve(LocalHostOptions options)
    {
        var endpoints = ConfiguredEndpoints.From(new AwsEnvironment(options.AwsEnvironment));
        var region = (options.Region ?? endpoints.Region()) is { } name
            ? RegionEndpoint.GetBySystemName(name)
            : FallbackRegionFactory.GetRegionEndpoint();
        if (region is null)
            throw new ArgumentException("No AWS Region is set for the real services you chose: pass --region or set AWS_REGION.");
        AWSCredentials credentials;
        try
        {
            credentials = KeysIn(options.AwsEnvironment) ?? DefaultAWSCredentialsIdentityResolver.GetCredentials();
        }
        catch (AmazonClientException exception)
        {
            throw new ArgumentException(
                "No AWS credentials were found for the real services you chose: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                + "or AWS_PROFILE, or run with an instance role.",
                exception);
        }
        return new AwsClientSettings { Region = region, Credentials = credentials, Endpoints = endpoints };
    }

    /// <summary>The access keys in the environment, the default chain's first source, read from the options' environment.</summary>
    private static AWSCredentials? KeysIn(Func<string, string?> environment) =>
        (environment("AWS_ACCESS_KEY_ID"), environment("AWS_SECRET_ACCESS_KEY"), environment("AWS_SESSION_TOKEN")) switch
        {
            ({ Length: > 0 } key, { Length: > 0 } secret, { Length: > 0 } token) => new SessionAWSCredentials(key, secret, token),
            ({ Length: > 0 } key, { Length: > 0 } secret, _) => new BasicAWSCredentials(key, secret),
            _ => null,
        };

    /// <summary>Creates Conduit's tables from the one schema definition, and waits until each is ACTIVE.</summary>
    private static async Task CreateMissingTablesAsync(IAmazonDynamoDB client, DynamoTableNames tables, CancellationToken cancellationToken)
    {
        var existing = (await client.ListTablesAsync(new ListTablesRequest(), cancellationToken).ConfigureAwait(false)).TableNames ?? [];
        foreach (var table in ConduitTables.All)
        {
            var name = tables.For(table);
            if (existing.Contains(name)) continue;
            await client.CreateTableAsync(table.ToCreateTableRequest(name), cancellationToken).ConfigureAwait(false);
            for (var attempt = 0; ; attempt++)
            {
                var status = (await client.DescribeTableAsync(name, cancellationToken).ConfigureAwait(false)).Table.TableStatus;
                if (status == TableStatus.ACTIVE) break;
                if (attempt == 100) throw new IOException($"Table {name} did not become ACTIVE.");
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
