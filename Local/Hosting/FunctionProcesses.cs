using Conduit.Aws;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Lambda;
using Conduit.Local.Bedrock;
using Conduit.Local.Lambda;
using Conduit.Local.Security;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Hosting;

/// <summary>
/// With <c>--functions processes</c>, every function of <see cref="ConduitFunctions"/> as its own processes: its JIT
/// bootstrap behind a Runtime API per execution environment, with the environment template.yaml gives it resolved to
/// this host (the AWS endpoint, the @connections endpoint, the DynamoDB endpoint, this run's function credentials).
/// It starts before the host listens and, stopping after everything else, kills every process it started.
/// </summary>
public sealed class FunctionProcesses(
    LocalHostOptions options,
    FunctionCredentials credentials,
    DynamoTableNames tables,
    IChatClient model,
    ILogger<FunctionProcesses> logger) : IHostedService, IAsyncDisposable
{
    private readonly Dictionary<string, LambdaFunctionPool> _pools = new(StringComparer.Ordinal);

    /// <summary>The template the functions are configured from: the repository's, else the copy beside the host.</summary>
    public static FunctionTemplate LoadTemplate() => FunctionTemplate.Load(
        LocalHostOptions.RepositoryRoot is { } root
            ? Path.Combine(root, FunctionTemplate.FileName)
            : Path.Combine(AppContext.BaseDirectory, FunctionTemplate.FileName));

    /// <summary>Each function's environments, by function name.</summary>
    public IReadOnlyDictionary<string, LambdaFunctionPool> Pools => _pools;

    /// <summary>Invokes <paramref name="function"/> in one of its environments.</summary>
    public LambdaHandler Handler(FunctionDefinition function) => input =>
        _pools.TryGetValue(function.Name, out var pool)
            ? pool.InvokeAsync(input)
            : throw new InvalidOperationException($"The {function.Name} function has not been started.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var root = LocalHostOptions.RepositoryRoot
            ?? throw new ConfigurationException("--functions processes builds the functions from the repository: run it from there.");
        var template = LoadTemplate();
        var bootstraps = await FunctionBootstraps.EnsureBuiltAsync(
            root, line => HostingLog.FunctionsStarting(logger, line), cancellationToken).ConfigureAwait(false);
        var references = References(options, tables, model.GetService<ChatClientMetadata>()?.DefaultModelId ?? "local");
        foreach (var function in ConduitFunctions.All)
        {
            var launch = new FunctionLaunch(
                function.Name,
                "dotnet",
                [bootstraps[function.Assembly]],
                function.Handler,
                LocalFunctions.Arn(function),
                template.Timeout(function),
                Environment(options, credentials, template.Environment(function, references, options.ConnectionsEndpoint)));
            _pools[function.Name] = new LambdaFunctionPool(launch, line => Forward(function.Name, line));
        }
        await Task.WhenAll(_pools.Values.Select(pool => pool.WarmAsync(cancellationToken))).ConfigureAwait(false);
        HostingLog.FunctionsStarting(logger, $"{_pools.Count} functions run as processes ({string.Join(", ", _pools.Keys)}).");
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools.Values) await pool.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The local value of each template parameter and resource a function's environment refers to.</summary>
    internal static Dictionary<string, string> References(LocalHostOptions options, DynamoTableNames tables, string modelId)
    {
        var references = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ModelId"] = modelId,
            ["MaxTokens"] = $"{options.Settings.MaxOutputTokens}",
            ["HistoryWindow"] = $"{options.Settings.HistoryWindow}",
            ["KnowledgeBaseId"] = BedrockAgentRuntimeApi.KnowledgeBaseId,
            ["AllowedOrigins"] = string.Join(',', options.EffectiveAllowedOrigins.Order(StringComparer.Ordinal)),
            ["TurnQueue"] = new Uri(options.HttpBase, $"{options.Queue.AccountId}/{options.Queue.Name}").AbsoluteUri,
            ["ChatTurnStateMachine"] = LocalComposition.ChatTurnStateMachineArn,
        };
        foreach (var table in ConduitTables.All)
        {
            var logicalId = string.Concat(table.NameSuffix.Split('-').Select(word => char.ToUpperInvariant(word[0]) + word[1..])) + "Table";
            references[logicalId] = tables.For(table);
        }
        (references["JwksUrl"], references["JwtIssuer"], references["JwtAudience"]) = options.Auth switch
        {
            JwksAuth jwks => (jwks.JwksUrl.AbsoluteUri, jwks.Issuer, jwks.Audience),
            _ => (
                new Uri(options.HttpBase, $"{options.Gateway.Stage}/{AuthApi.JwksPath}").AbsoluteUri,
                LocalHostOptions.DevelopmentIssuer,
                LocalHostOptions.DevelopmentAudience),
        };
        return references;
    }

    /// <summary>
    /// The template's variables plus what Lambda and the local endpoints add: the Region and this run's credentials, every
    /// AWS API at the host's endpoint but DynamoDB (the store's) and @connections (the stage's). The host's own AWS
    /// settings are not passed on, so nothing reaches a real account.
    /// </summary>
    internal static Dictionary<string, string?> Environment(
        LocalHostOptions options, FunctionCredentials credentials, IReadOnlyDictionary<string, string> variables)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (name.StartsWith("AWS_", StringComparison.Ordinal)) environment[name] = null;
        }
        foreach (var (name, value) in variables) environment[name] = value;
        environment[AwsEnvironment.Region] = FunctionCredentials.Region.SystemName;
        environment["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey;
        environment["AWS_ENDPOINT_URL"] = options.HttpBase.AbsoluteUri.TrimEnd('/');
        environment["AWS_ENDPOINT_URL_DYNAMODB"] = ((DynamoDbStore)options.Store).Endpoint!.AbsoluteUri.TrimEnd('/');
        environment["AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"] = options.ConnectionsEndpoint.AbsoluteUri.TrimEnd('/');
        return environment;
    }

    /// <summary>The functions' JSON logs and metrics at Information; anything else they print (the runtime's lines) as warnings.</summary>
    private void Forward(string function, string line)
    {
        if (line.StartsWith('{')) HostingLog.FunctionOutput(logger, function, line);
        else HostingLog.FunctionDiagnostic(logger, function, line);
    }
}
