using Amazon;
using Amazon.DynamoDBv2;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Aws.BedrockAgentRuntime;
using Conduit.Aws.BedrockRuntime;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Endpoints;
using Conduit.Aws.Identity;
using Conduit.Aws.Observability;
using Conduit.Aws.Sqs;
using Conduit.Aws.StepFunctions;
using Conduit.Core.Chat;
using Conduit.Core.Composition;
using Conduit.Core.Observability;
using Conduit.Core.Ports;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conduit.Aws.Composition;

public static class AwsServiceCollectionExtensions
{
    /// <summary>
    /// The deployed composition: every port served by its AWS adapter, configured from the function's environment
    /// variables. Services are built when first resolved, so each function builds only what it runs, and a missing
    /// or malformed variable fails that function's cold start with one line naming it.
    /// </summary>
    public static IServiceCollection AddConduitAws(this IServiceCollection services, AwsEnvironment environment, TextWriter output)
    {
        services.AddSingleton(environment);
        services.AddSingleton<ILoggerFactory>(sp =>
            new JsonLineLoggerFactory(output, LogLevelFrom(environment), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IMetrics>(sp => new EmfMetrics(output, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => SettingsFrom(environment));
        var endpoints = ConfiguredEndpoints.From(environment);
        services.AddSingleton(_ => new AwsClientSettings
        {
            Region = RegionEndpoint.GetBySystemName(endpoints.Region()
                ?? throw new ConfigurationException($"Environment variable {AwsEnvironment.Region} is not set.")),
            Endpoints = endpoints,
        });

        services.AddSingleton<IAmazonDynamoDB>(sp => DynamoDbClientFactory.Create(sp.GetRequiredService<AwsClientSettings>()));
        services.AddDynamoDbStores(_ => environment.TableNamesIfSet()
            ?? throw new ConfigurationException(
                $"Environment variable {AwsEnvironment.ConnectionsTable} is not set (nor any other *_TABLE)."));
        services.AddSingleton<ITurnQueue>(sp =>
            new SqsTurnQueue(
                SqsClientFactory.Create(sp.GetRequiredService<AwsClientSettings>()), environment.Required(AwsEnvironment.TurnQueueUrl)));
        services.AddSingleton<IWorkflowStarter>(sp => new StepFunctionsWorkflowStarter(
            new StepFunctionsClient(sp.GetRequiredService<AwsClientSettings>()), environment.Required(AwsEnvironment.StateMachineArn)));
        services.AddSingleton<IConnectionSender>(sp => new ApiGatewayManagementClient(
            endpoints.For(AwsService.ApiGatewayManagementApi) ?? environment.RequiredUri(AwsEnvironment.ConnectionsEndpoint),
            sp.GetRequiredService<AwsClientSettings>()));
        services.AddSingleton<IChatClient>(sp => new BedrockChatClient(
            sp.GetRequiredService<AwsClientSettings>(),
            environment.Required(AwsEnvironment.ModelId),
            new BedrockModelOptions { MaxTokens = sp.GetRequiredService<ConduitSettings>().MaxOutputTokens }));
        services.AddSingleton<IKnowledgeBase>(sp => environment.Optional(AwsEnvironment.KnowledgeBaseId) is { } id
            ? new BedrockKnowledgeBase(sp.GetRequiredService<AwsClientSettings>(), id)
            : NoKnowledgeBase.Instance);
        services.AddSingleton<IConnectionAuthenticator>(sp => JwksAuthentication.Create(
            environment.RequiredUri(AwsEnvironment.JwksUrl),
            environment.Required(AwsEnvironment.JwtIssuer),
            environment.Required(AwsEnvironment.JwtAudience),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JwksKeySource>>()));
        return services.AddConduitCore();
    }

    /// <summary>The eight DynamoDB stores, on whichever client and table names the environment resolves.</summary>
    public static IServiceCollection AddDynamoDbStores(this IServiceCollection services, Func<IServiceProvider, DynamoTableNames> tables)
    {
        services.AddSingleton(tables);
        services.AddSingleton<IConnectionStore, DynamoConnectionStore>();
        services.AddSingleton<ISessionStore>(sp => new DynamoSessionStore(
            sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<DynamoTableNames>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConduitSettings>().SessionTtl));
        services.AddSingleton<ISessionDirectory>(sp => new DynamoSessionDirectory(
            sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<DynamoTableNames>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITurnStore>(sp => new DynamoTurnStore(
            sp.GetRequiredService<IAmazonDynamoDB>(), sp.GetRequiredService<DynamoTableNames>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConduitSettings>().SessionTtl));
        services.AddSingleton<IHistoryStore, DynamoHistoryStore>();
        services.AddSingleton<IFrameStore, DynamoFrameStore>();
        services.AddSingleton<ISubscriptionStore, DynamoSubscriptionStore>();
        services.AddSingleton<IRateLimitStore, DynamoRateLimitStore>();
        return services;
    }

    private static ConduitSettings SettingsFrom(AwsEnvironment environment) => new()
    {
        HistoryWindow = environment.Number(AwsEnvironment.HistoryWindow, 20, 2, 100),
        MaxOutputTokens = environment.Number(AwsEnvironment.MaxTokens, 1_024, 1, 64_000),
        MaxToolRounds = environment.Optional(AwsEnvironment.KnowledgeBaseId) is null ? 0 : 2,
        AllowedOrigins = (environment.Optional(AwsEnvironment.AllowedOrigins) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal),
    };

    private static LogLevel LogLevelFrom(AwsEnvironment environment) =>
        environment.Optional("LOG_LEVEL") is { } text
            ? Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level)
                ? level
                : throw new ConfigurationException(
                    $"Environment variable LOG_LEVEL must be a log level (Information, Debug, …), not \"{text}\".")
            : LogLevel.Information;
}
