using Conduit.Aws.Lambda;
using Conduit.Local.Lambda;

namespace Conduit.Local.Hosting;

/// <summary>
/// The functions of <see cref="ConduitFunctions"/>, each bound to the same <c>Handle(Stream)</c> method Lambda
/// calls, and wired by its role: the WebSocket integration to the gateway, the queue consumer to the event source
/// mapping, the workflow tasks to lambda:invoke by ARN. A function's class is resolved on its first invoke, as
/// Lambda constructs it on the first invoke. With the functions as processes, each is invoked through its Runtime API.
/// </summary>
public sealed class LocalFunctions(IServiceProvider services)
{
    public const string Region = "local";
    public const string AccountId = "000000000000";

    public LambdaHandler Ingress => Handler(ConduitFunctions.All.Single(f => f.Role == FunctionRole.WebSocketIntegration));

    /// <summary>The queue consumer; a batch that failed while the store could not write runs again once it can.</summary>
    public LambdaHandler Dispatcher
    {
        get
        {
            var consumer = ConduitFunctions.All.Single(f => f.Role == FunctionRole.QueueConsumer);
            return Writability.RunningBatchAgainWhenFull(consumer.Name, Handler(consumer, Latency.QueueReceive));
        }
    }

    public static IEnumerable<FunctionDefinition> WorkflowFunctions => ConduitFunctions.All.Where(f => f.Role == FunctionRole.WorkflowTask);

    public static string Arn(FunctionDefinition function) => $"arn:aws:lambda:{Region}:{AccountId}:function:conduit-{function.Name}";

    /// <summary>The ASL's <c>${NameFunctionArn}</c> placeholders and their local ARNs.</summary>
    public static IReadOnlyDictionary<string, string> Substitutions { get; } =
        WorkflowFunctions.ToDictionary(function => function.ArnPlaceholder, Arn);

    /// <summary>
    /// The workflow's Lambda functions by ARN, as the lambda:invoke integration looks them up. A step that SQLite refused
    /// as full runs again once the store can write (every step is safe to run again), rather than failing the turn.
    /// </summary>
    public IReadOnlyDictionary<string, LambdaHandler> WorkflowHandlers() =>
        WorkflowFunctions.ToDictionary(Arn, function => Writability.RunningAgainWhenFull(function.Name, Handler(function)));

    private StoreWritability Writability => services.GetRequiredService<StoreWritability>();

    private LatencyProfile Latency => services.GetService<LocalHostOptions>()?.Latency ?? LatencyProfile.None;

    /// <summary>
    /// The function's entry point (in this process, or its own process behind a Runtime API), reached after the profile's
    /// invocation time and any <paramref name="before"/> it.
    /// </summary>
    private LambdaHandler Handler(FunctionDefinition function, TimeSpan before = default) =>
        DelayedInvocation.Wrap(
            services.GetService<LocalHostOptions>()?.Functions == FunctionsMode.Processes
                ? services.GetRequiredService<FunctionProcesses>().Handler(function)
                : input => services.GetLambdaFunction(function).HandleAsync(input, CancellationToken.None),
            Latency.FunctionInvoke + before,
            services.GetRequiredService<TimeProvider>());
}
