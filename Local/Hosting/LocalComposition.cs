using Amazon;
using Amazon.DynamoDBv2;
using Conduit.Ingress;
using Conduit.Local.Adapters;
using Conduit.Local.Gateway;
using Conduit.Local.Knowledge;
using Conduit.Local.Lambda;
using Conduit.Local.Model;
using Conduit.Local.Queue;
using Conduit.Local.Security;
using Conduit.Local.StepFunctions;
using Conduit.Local.Storage;
using Conduit.Shared.Aws;
using Conduit.Shared.Aws.ApiGatewayManagement;
using Conduit.Shared.Aws.BedrockAgentRuntime;
using Conduit.Shared.Aws.BedrockRuntime;
using Conduit.Shared.Aws.DynamoDb;
using Conduit.Shared.OpenAi;
using Conduit.Shared.Chat;
using Conduit.Shared.Observability;
using Conduit.Shared.Ports;
using Conduit.Shared.Security;
using Conduit.Workers;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Hosting;

/// <summary>
/// The one place the local environment is composed: which adapter serves each port. Tests replace a
/// registration after this (the last one wins) to inject a failure.
/// </summary>
public static class LocalComposition
{
    public static IServiceCollection AddConduitLocal(this IServiceCollection services, LocalHostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.Settings with { AllowedOrigins = options.EffectiveAllowedOrigins });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IMetrics>(NoMetrics.Instance);
        services.AddSingleton(sp => new FunctionTelemetry(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMetrics>()));

        services.AddSingleton(_ => OpenDatabase(options));
        services.AddSingleton<LocalAwsAccess>();
        if (options.Store is DynamoDbStore dynamo) AddDynamoDbStores(services, dynamo, options);
        else AddSqliteStores(services, options);

        services.AddSingleton(options.Queue);
        services.AddSingleton<DurableQueue>();
        services.AddSingleton<ITurnQueue, LocalTurnQueue>();

        services.AddSingleton<IKnowledgeBase>(sp => options.KnowledgeBase switch
        {
            BedrockKnowledgeBaseChoice bedrock => new BedrockKnowledgeBase(sp.GetRequiredService<LocalAwsAccess>().Settings, bedrock.KnowledgeBaseId),
            _ => MarkdownKnowledgeBase.Load(options.ResolveKnowledgeBaseFolder()),
        });
        services.AddSingleton<IChatClient>(sp => options.ModelSource switch
        {
            BedrockModel bedrock => new BedrockChatClient(
                sp.GetRequiredService<LocalAwsAccess>().Settings, bedrock.ModelId, new BedrockModelOptions { MaxTokens = options.Settings.MaxOutputTokens }),
            OpenAiModel openAi => new OpenAiCompatibleChatClient(
                new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan },
                openAi.BaseUrl, openAi.Model, new OpenAiCompatibleOptions { MaxTokens = options.Settings.MaxOutputTokens }),
            _ => new OfflineChatClient(options.Model, SharesTermsWithKnowledgeBase(sp), sp.GetRequiredService<TimeProvider>()),
        });

        services.AddSingleton<IConnectionSender>(_ => new ApiGatewayManagementClient(options.ConnectionsEndpoint, LocalConnectionsSettings));

        AddAuthentication(services, options);
        services.AddSingleton<FrameDelivery>();
        services.AddSingleton<FramePublisher>();
        services.AddSingleton<TurnSequencer>();
        services.AddSingleton<TurnCanceller>();
        services.AddSingleton<SessionReader>();
        services.AddSingleton<AnswerStreamer>();
        services.AddSingleton<ChatIngress>();
        services.AddSingleton<TurnDispatcher>();
        services.AddSingleton<ChatWorkflow>();

        services.AddSingleton<IngressFunction>();
        services.AddSingleton<DispatcherFunction>();
        services.AddSingleton<BuildPromptFunction>();
        services.AddSingleton<PlanFunction>();
        services.AddSingleton<RetrieveFunction>();
        services.AddSingleton<StreamFunction>();
        services.AddSingleton<NotifyFailureFunction>();
        services.AddSingleton<LocalFunctions>();

        services.AddSingleton(options.Gateway);
        services.AddSingleton(sp => new WebSocketGateway(
            sp.GetRequiredService<LocalFunctions>().Ingress, options.Gateway, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebSocketGateway>>()));

        services.AddSingleton(_ => StateMachine.Load(
            File.ReadAllText(options.StateMachineFile),
            LocalFunctions.Substitutions,
            new HashSet<string>(StringComparer.Ordinal) { LambdaInvokeTaskInvoker.Resource }));
        services.AddSingleton<IExecutionStore, SqliteExecutionStore>();
        services.AddSingleton<ITaskInvoker>(sp => new LambdaInvokeTaskInvoker(sp.GetRequiredService<LocalFunctions>().WorkflowHandlers()));
        services.AddSingleton(sp => new StepFunctionsEmulator(
            sp.GetRequiredService<StateMachine>(),
            $"arn:aws:states:{LocalFunctions.Region}:{LocalFunctions.AccountId}:stateMachine:conduit-chat-turn",
            sp.GetRequiredService<ITaskInvoker>(),
            sp.GetRequiredService<IExecutionStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StepFunctionsEmulator>>()));
        services.AddSingleton<IWorkflowStarter, LocalWorkflowStarter>();

        services.AddHostedService<ExecutionRecovery>();
        services.AddHostedService(sp => new SqsEventSource(
            sp.GetRequiredService<DurableQueue>(), sp.GetRequiredService<LocalFunctions>().Dispatcher, options.Queue, sp.GetRequiredService<ILogger<SqsEventSource>>()));
        return services;
    }

    private static void AddSqliteStores(IServiceCollection services, LocalHostOptions options)
    {
        services.AddSingleton<IConnectionStore, SqliteConnectionStore>();
        services.AddSingleton<ISessionStore>(sp => new SqliteSessionStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), options.Settings.SessionTtl));
        services.AddSingleton<ITurnStore, SqliteTurnStore>();
        services.AddSingleton<IHistoryStore, SqliteHistoryStore>();
        services.AddSingleton<IFrameStore, SqliteFrameStore>();
        services.AddSingleton<ISubscriptionStore, SqliteSubscriptionStore>();
        services.AddSingleton<IRateLimitStore, SqliteRateLimitStore>();
    }

    /// <summary>Development tokens by default; with --auth jwks only real tokens, and no issuer or token endpoint at all.</summary>
    private static void AddAuthentication(IServiceCollection services, LocalHostOptions options)
    {
        if (options.Auth is JwksAuth jwks)
        {
            services.AddSingleton<IConnectionAuthenticator>(sp => new JwtConnectionAuthenticator(new JwtValidator(
                new JwksKeySource(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, jwks.JwksUrl, sp.GetRequiredService<TimeProvider>()),
                new JwtValidatorOptions
                {
                    Issuer = jwks.Issuer,
                    Audience = jwks.Audience,
                    AllowedAlgorithms = [JwtAlgorithms.Rs256, JwtAlgorithms.Es256],
                    Time = sp.GetRequiredService<TimeProvider>(),
                })));
            return;
        }
        services.AddSingleton(sp => DevelopmentIssuer.Open(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConnectionAuthenticator>(sp =>
            new JwtConnectionAuthenticator(sp.GetRequiredService<DevelopmentIssuer>().Validator(sp.GetRequiredService<TimeProvider>())));
    }

    /// <summary>Table names as deployed functions get them (the *_TABLE variables), else conduit-local-*.</summary>
    private static void AddDynamoDbStores(IServiceCollection services, DynamoDbStore store, LocalHostOptions options)
    {
        var tables = AwsEnvironment.Process.TableNamesIfSet() ?? DynamoTableNames.WithPrefix("conduit-local");
        services.AddSingleton(tables);
        services.AddSingleton(sp => sp.GetRequiredService<LocalAwsAccess>().OpenDynamoDbAsync(store, tables, CancellationToken.None).GetAwaiter().GetResult());
        services.AddSingleton<IConnectionStore>(sp => new DynamoConnectionStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables));
        services.AddSingleton<ISessionStore>(sp => new DynamoSessionStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables, sp.GetRequiredService<TimeProvider>(), options.Settings.SessionTtl));
        services.AddSingleton<ITurnStore>(sp => new DynamoTurnStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables, sp.GetRequiredService<TimeProvider>(), options.Settings.SessionTtl));
        services.AddSingleton<IHistoryStore>(sp => new DynamoHistoryStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IFrameStore>(sp => new DynamoFrameStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ISubscriptionStore>(sp => new DynamoSubscriptionStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables));
        services.AddSingleton<IRateLimitStore>(sp => new DynamoRateLimitStore(sp.GetRequiredService<IAmazonDynamoDB>(), tables));
    }

    /// <summary>
    /// The offline model looks things up when the question shares terms with the local index; with a Bedrock
    /// knowledge base there is no vocabulary to consult, so it always looks.
    /// </summary>
    private static Func<string, bool> SharesTermsWithKnowledgeBase(IServiceProvider services) =>
        services.GetRequiredService<IKnowledgeBase>() is MarkdownKnowledgeBase local ? local.SharesTermsWith : _ => true;

    /// <summary>The local @connections endpoint checks no signature, so frames go unsigned; no AWS credentials needed.</summary>
    private static AwsClientSettings LocalConnectionsSettings { get; } = new() { Region = RegionEndpoint.USEast1, SignRequests = false };

    private static SqliteDatabase OpenDatabase(LocalHostOptions options)
    {
        var database = options.InMemory
            ? SqliteDatabase.OpenInMemory()
            : SqliteDatabase.OpenFile(Path.Combine(options.DataDirectory, "conduit.db"));
        ChatSchema.Create(database);
        return database;
    }
}
