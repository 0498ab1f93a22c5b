using Conduit.Aws;
using Conduit.Aws.ApiGatewayManagement;
using Conduit.Aws.BedrockAgentRuntime;
using Conduit.Aws.BedrockRuntime;
using Conduit.Aws.Composition;
using Conduit.Aws.DynamoDb;
using Conduit.Aws.Identity;
using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Composition;
using Conduit.Core.Ports;
using Conduit.Ingress;
using Conduit.Local.Adapters;
using Conduit.Local.Bedrock;
using Conduit.Local.Edge;
using Conduit.Local.Gateway;
using Conduit.Local.Knowledge;
using Conduit.Local.Model;
using Conduit.Local.Queue;
using Conduit.Local.Security;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Local.Storage;
using Conduit.OpenAi;
using Conduit.Workers;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Hosting;

/// <summary>
/// The one place the local environment is composed: which adapter serves each port. Tests replace a
/// registration after this (the last one wins) to inject a failure.
/// </summary>
public static class LocalComposition
{
    public static string ChatTurnStateMachineArn { get; } =
        StateMachineArns.StateMachine(LocalFunctions.Region, LocalFunctions.AccountId, "conduit-chat-turn");


    public static IServiceCollection AddConduitLocal(this IServiceCollection services, LocalHostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.Settings with { AllowedOrigins = options.EffectiveAllowedOrigins });
        services.AddConduitCore();

        services.AddSingleton(_ => DataFolder.Take(options));
        services.AddSingleton(sp => OpenDatabase(sp.GetRequiredService<DataFolder>()));
        services.AddSingleton<StoreWritability>();
        services.AddSingleton<LocalAwsAccess>();
        if (options.Store is DynamoDbStore dynamo) AddDynamoDbStores(services, dynamo);
        else AddSqliteStores(services, options);

        var queue = options.Functions == FunctionsMode.Processes
            ? FunctionProcesses.LoadTemplate().EventSource(ConduitFunctions.Dispatcher, options.Queue)
            : options.Queue;
        services.AddSingleton(queue);
        services.AddSingleton<DurableQueue>();
        services.AddSingleton<ITurnQueue, LocalTurnQueue>();

        services.AddSingleton<IKnowledgeBase>(sp => options.KnowledgeBase switch
        {
            BedrockKnowledgeBaseChoice bedrock => new BedrockKnowledgeBase(
                sp.GetRequiredService<LocalAwsAccess>().Settings, bedrock.KnowledgeBaseId),
            _ => MarkdownKnowledgeBase.Load(options.ResolveKnowledgeBaseFolder()),
        });
        services.AddSingleton<IChatClient>(sp => options.ModelSource switch
        {
            BedrockModel bedrock => new BedrockChatClient(
                sp.GetRequiredService<LocalAwsAccess>().Settings,
                bedrock.ModelId,
                new BedrockModelOptions { MaxTokens = options.Settings.MaxOutputTokens }),
            OpenAiModel openAi => new OpenAiCompatibleChatClient(
                new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan },
                openAi.BaseUrl, openAi.Model, new OpenAiCompatibleOptions { MaxTokens = options.Settings.MaxOutputTokens }),
            _ => new OfflineChatClient(options.Model, SharesTermsWithKnowledgeBase(sp), sp.GetRequiredService<TimeProvider>()),
        });

        services.AddSingleton(FunctionCredentials.Create());
        services.AddSingleton<IConnectionSender>(sp => new ApiGatewayManagementClient(
            options.ConnectionsEndpoint, sp.GetRequiredService<FunctionCredentials>().ConnectionsClientSettings));
        services.AddSingleton(sp => sp.GetRequiredService<FunctionCredentials>().Verifier(sp.GetRequiredService<TimeProvider>()));

        AddAuthentication(services, options);
        services.AddIngressFunction();
        services.AddWorkerFunctions();
        services.AddSingleton<LocalFunctions>();
        if (options.Functions == FunctionsMode.Processes)
        {
            services.AddSingleton<FunctionProcesses>();
            // Registered before the queue's event source and execution recovery, so it starts before and stops after them.
            services.AddHostedService(sp => sp.GetRequiredService<FunctionProcesses>());
        }

        services.AddSingleton(options.Gateway);
        services.AddSingleton(sp => new WebSocketGateway(
            sp.GetRequiredService<LocalFunctions>().Ingress,
            options.Gateway,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebSocketGateway>>()));

        services.AddSingleton(sp => StateMachine.Load(
            File.ReadAllText(options.StateMachineFile),
            LocalFunctions.Substitutions,
            sp.GetRequiredService<TaskInvokerRouter>().Resources));
        services.AddSingleton<SqliteExecutionStore>();
        services.AddSingleton<IExecutionStore, SpaceWaitingExecutionStore>();
        services.AddSingleton<TaskTokenRegistry>();
        services.AddSingleton(sp => TaskInvokers(sp, options));
        services.AddSingleton<ITaskInvoker>(
            sp => new FaultInjectingTaskInvoker(sp.GetRequiredService<TaskInvokerRouter>(), options.InjectedFaults));
        services.AddSingleton(sp => EmulatorFor(sp, sp.GetRequiredService<StateMachine>(), ChatTurnStateMachineArn));
        AddAwsEdge(services, options, queue);
        services.AddSingleton<IWorkflowStarter, LocalWorkflowStarter>();

        services.AddHostedService<ExecutionRecovery>();
        services.AddHostedService(sp => new SqsEventSource(
            sp.GetRequiredService<DurableQueue>(),
            sp.GetRequiredService<LocalFunctions>().Dispatcher,
            queue,
            sp.GetRequiredService<ILogger<SqsEventSource>>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddLatencyProfile(options.Latency);
        return services;
    }

    /// <summary>
    /// The AWS-compatible endpoint on the host's port: the Step Functions API over every state machine, the chat-turn
    /// one and those created through it; the SQS API over every queue, the turns queue and its DLQ among them; Bedrock's
    /// Converse over the host's model and Retrieve over its knowledge base.
    /// </summary>
    private static void AddAwsEdge(IServiceCollection services, LocalHostOptions options, QueueOptions queue)
    {
        services.AddSingleton<SqliteStateMachineStore>();
        services.AddSingleton(sp => new StateMachineRegistry(
            (new StateMachineDescription(
                    ChatTurnStateMachineArn,
                    StateMachineArns.NameOf(ChatTurnStateMachineArn),
                    File.ReadAllText(options.StateMachineFile),
                    $"arn:aws:iam::{LocalFunctions.AccountId}:role/StepFunctionsLocal",
                    StateMachineDescription.Standard,
                    File.GetLastWriteTimeUtc(options.StateMachineFile)),
                sp.GetRequiredService<StepFunctionsEmulator>()),
            sp.GetRequiredService<SqliteStateMachineStore>(),
            sp.GetRequiredService<TaskInvokerRouter>().Resources,
            (description, machine) => EmulatorFor(sp, machine, description.StateMachineArn),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StateMachineRegistry>>()));
        services.AddSingleton<IAwsJsonService, StepFunctionsJsonApi>();
        services.AddSingleton(sp => new SqsJsonApi(
            new SqsQueueRegistry(
                sp.GetRequiredService<SqliteDatabase>(),
                sp.GetRequiredService<DurableQueue>(),
                queue,
                sp.GetRequiredService<TimeProvider>()),
            options.HttpBase,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAwsJsonService>(sp => sp.GetRequiredService<SqsJsonApi>());
        services.AddSingleton(sp => new AwsEdge(
            sp.GetServices<IAwsJsonService>(),
            EdgeVerifier(options.AwsCredentials, sp.GetRequiredService<FunctionCredentials>(), sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredService<ILogger<AwsEdge>>()));
        services.AddSingleton<IAwsRestService, BedrockRuntimeApi>();
        services.AddSingleton<IAwsRestService, BedrockAgentRuntimeApi>();
        services.AddSingleton(sp => new AwsRestEdge(
            sp.GetServices<IAwsRestService>(), sp.GetRequiredService<AwsEdge>().Verifier, sp.GetRequiredService<ILogger<AwsRestEdge>>()));
    }

    /// <summary>
    /// The Task integrations state machines may use here, each on the host's own services: the local functions through
    /// lambda:invoke, the host's queues through sqs:sendMessage, and DynamoDB's item operations when the store is DynamoDB.
    /// </summary>
    private static TaskInvokerRouter TaskInvokers(IServiceProvider services, LocalHostOptions options)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var invokers = new Dictionary<string, ITaskInvoker>(StringComparer.Ordinal)
        {
            [LambdaInvokeTaskInvoker.Resource] =
                new LambdaInvokeTaskInvoker(services.GetRequiredService<LocalFunctions>().WorkflowHandlers(), time),
            [SqsSendMessageTaskInvoker.Resource] = new SqsSendMessageTaskInvoker(services.GetRequiredService<SqsJsonApi>(), time),
        };
        if (options.Store is DynamoDbStore dynamo)
        {
            var dynamoDb = new DynamoDbTaskInvoker(DynamoDbSettings(services, options, dynamo), time);
            foreach (var resource in DynamoDbTaskInvoker.Operations.Keys) invokers[resource] = dynamoDb;
        }

        return new TaskInvokerRouter(invokers);
    }

    /// <summary>The store's own endpoint and credentials: a local endpoint takes any key, as the store's client is given.</summary>
    private static AwsClientSettings DynamoDbSettings(IServiceProvider services, LocalHostOptions options, DynamoDbStore dynamo) =>
        dynamo.Endpoint is { } endpoint
            ? new AwsClientSettings
            {
                Region = Amazon.RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1"),
                Credentials = new Amazon.Runtime.BasicAWSCredentials("local", "local"),
                ServiceUrl = endpoint,
            }
            : services.GetRequiredService<LocalAwsAccess>().Settings;

    /// <summary>
    /// The endpoint reads every user's turns and can start the functions that post to their sockets, so by default it
    /// serves only this run's own functions (as IAM would); <c>--aws-credentials</c> adds one key, or any signer.
    /// </summary>
    private static SigV4Verifier EdgeVerifier(
        AwsEdgeCredentials? configured, FunctionCredentials own, TimeProvider time) => configured switch
    {
        { AcceptsAnyKey: true } => SigV4Verifier.AcceptingAnyCredentials(time),
        { AccessKeyId: { } id, SecretAccessKey: { } secret } => SigV4Verifier.ForCredentials(id, secret, time),
        _ => SigV4Verifier.ForCredentials(own.AccessKeyId, own.SecretAccessKey, time),
    };

    private static StepFunctionsEmulator EmulatorFor(IServiceProvider services, StateMachine machine, string stateMachineArn) => new(
        machine,
        stateMachineArn,
        services.GetRequiredService<ITaskInvoker>(),
        services.GetRequiredService<IExecutionStore>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ILogger<StepFunctionsEmulator>>(),
        services.GetRequiredService<TaskTokenRegistry>());

    private static void AddSqliteStores(IServiceCollection services, LocalHostOptions options)
    {
        services.AddSingleton<IConnectionStore, SqliteConnectionStore>();
        services.AddSingleton<ISessionStore>(sp => new SqliteSessionStore(
            sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), options.Settings.SessionTtl));
        services.AddSingleton<ISessionDirectory, SqliteSessionDirectory>();
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
            services.AddSingleton(
                sp => JwksAuthentication.Create(
                    jwks.JwksUrl,
                    jwks.Issuer,
                    jwks.Audience,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILogger<JwksKeySource>>()));
            return;
        }
        services.AddSingleton(sp =>
        {
            sp.GetRequiredService<DataFolder>();
            return DevelopmentIssuer.Open(options, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IConnectionAuthenticator>(sp =>
            new JwtConnectionAuthenticator(sp.GetRequiredService<DevelopmentIssuer>().Validator(sp.GetRequiredService<TimeProvider>())));
    }

    /// <summary>Table names as deployed functions get them (the *_TABLE variables), else conduit-local-*.</summary>
    private static void AddDynamoDbStores(IServiceCollection services, DynamoDbStore store)
    {
        var tables = AwsEnvironment.Process.TableNamesIfSet() ?? DynamoTableNames.WithPrefix("conduit-local");
        services.AddSingleton(sp => sp.GetRequiredService<LocalAwsAccess>()
            .OpenDynamoDbAsync(store, tables, CancellationToken.None).GetAwaiter().GetResult());
        services.AddDynamoDbStores(_ => tables);
    }

    /// <summary>
    /// The offline model looks things up when the question shares terms with the local index; with a Bedrock
    /// knowledge base there is no vocabulary to consult, so it always looks.
    /// </summary>
    private static Func<string, bool> SharesTermsWithKnowledgeBase(IServiceProvider services) =>
        services.GetRequiredService<IKnowledgeBase>() is MarkdownKnowledgeBase local ? local.SharesTermsWith : _ => true;

    /// <summary>
    /// Every connection the local store holds was made through this host's gateway, whose sockets died with the last run,
    /// so their rows and subscriptions go: left, they would count against the user's connection cap.
    /// </summary>
    private static SqliteDatabase OpenDatabase(DataFolder folder)
    {
        var database = folder.Path is { } path
            ? SqliteDatabase.OpenFile(Path.Combine(path, "conduit.db"))
            : SqliteDatabase.OpenInMemory();
        ChatSchema.Create(database);
        SqliteConnectionStore.ForgetAll(database);
        return database;
    }
}
