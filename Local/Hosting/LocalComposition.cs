using Amazon;
using Conduit.Ingress;
using Conduit.Local.Adapters;
using Conduit.Local.Gateway;
using Conduit.Local.Knowledge;
using Conduit.Local.Lambda;
using Conduit.Local.Model;
using Conduit.Local.Queue;
using Conduit.Local.StepFunctions;
using Conduit.Local.Storage;
using Conduit.Shared.Aws;
using Conduit.Shared.Aws.ApiGatewayManagement;
using Conduit.Shared.Chat;
using Conduit.Shared.Ports;
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
        services.AddSingleton(options.Settings);
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton(_ => OpenDatabase(options));
        services.AddSingleton<IConnectionStore, SqliteConnectionStore>();
        services.AddSingleton<ISessionStore>(sp => new SqliteSessionStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>(), options.Settings.SessionTtl));
        services.AddSingleton<ITurnStore, SqliteTurnStore>();
        services.AddSingleton<IHistoryStore, SqliteHistoryStore>();
        services.AddSingleton<IFrameStore, SqliteFrameStore>();

        services.AddSingleton(options.Queue);
        services.AddSingleton<DurableQueue>();
        services.AddSingleton<ITurnQueue, LocalTurnQueue>();

        services.AddSingleton(_ => MarkdownKnowledgeBase.Load(options.ResolveKnowledgeBaseFolder()));
        services.AddSingleton<IKnowledgeBase>(sp => sp.GetRequiredService<MarkdownKnowledgeBase>());
        services.AddSingleton<IChatClient>(sp => new OfflineChatClient(
            options.Model, sp.GetRequiredService<MarkdownKnowledgeBase>().SharesTermsWith, sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<IConnectionSender>(_ => new ApiGatewayManagementClient(options.ConnectionsEndpoint, LocalConnectionsSettings));

        services.AddSingleton<FramePublisher>();
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

        services.AddHostedService(sp => new SqsEventSource(
            sp.GetRequiredService<DurableQueue>(), sp.GetRequiredService<LocalFunctions>().Dispatcher, options.Queue, sp.GetRequiredService<ILogger<SqsEventSource>>()));
        return services;
    }

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
