using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Conduit.Aws.DynamoDb;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Local.Adapters;
using Conduit.Local.Gateway;
using Conduit.Local.Hosting;
using Conduit.Local.Knowledge;
using Conduit.Local.Lambda;
using Conduit.Local.Model;
using Conduit.Local.Queue;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conduit.Bench;

/// <summary>A turn as its client saw it: the question, the streamed answer, and send → done.</summary>
public sealed record CompletedTurn(string RequestId, string SessionId, string Question, string Answer, TimeSpan Duration)
{
    public string UserId { get; init; } = "";
}

/// <summary>One client's session: its turns, the size of every frame it received, and how long it stayed connected.</summary>
public sealed record ClientSession(IReadOnlyList<CompletedTurn> Turns, int MessagesSent, IReadOnlyList<int> FrameBytes, TimeSpan Connected);

/// <summary>
/// One turn's execution: its final status and the states it entered, in order, from its history; how long it ran, and
/// the bytes of its history events with their data (what an Express workflow logging ALL sends to CloudWatch Logs).
/// </summary>
public sealed record WorkflowRun(string RequestId, string Status, IReadOnlyList<(string Type, string Name)> Entered)
{
    public TimeSpan Duration { get; init; }
    public long HistoryBytes { get; init; }
}

public static partial class Scenarios
{
    private const int CostSessions = 10;
    private const int CostTurnsPerSession = 5;

    /// <summary>Questions with terms the docs share, so the offline model asks for kb_lookup.</summary>
    private static readonly string[] KnowledgeQuestions =
    [
        "How does the Dispatcher start a Step Functions execution?",
        "What does the Stream task do with tokens?",
        "Which DynamoDB tables hold the history?",
        "How are frames delivered after a resume?",
        "What happens when the model is throttled?",
        "How is a cancelled turn stopped?",
    ];

    /// <summary>Follow-ups made only of stop words: they share no term with the docs, so the model answers without a lookup.</summary>
    private static string CostPrompt(int session, int turn) => turn switch
    {
        0 => KnowledgeQuestions[session % KnowledgeQuestions.Length],
        1 => "Why?",
        2 => KnowledgeQuestions[(session + 1) % KnowledgeQuestions.Length],
        3 => "And then what?",
        _ => "Who are you?",
    };

    /// <summary>
    /// 10 sessions of 5 turns at once on DynamoDB (dynalite), every AWS call counted where it is made; then priced at list
    /// prices beside a naive design worked out from the same run. Writes a Markdown report to bench/results/.
    /// </summary>
    private static async Task<IReadOnlyList<Measurement>> CostAsync()
    {
        if (NodeTools.Find() is not { } node)
        {
            Console.Error.WriteLine($"cost: skipped. {NodeTools.MissingReason}");
            return [];
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await using var dynalite = await DynaliteProcess.StartAsync(node, limit.Token);
        await using var stack = await CostStack.StartAsync(dynalite.HttpBase);

        // One session first, so JIT compilation and table warm-up are not billed to the measured turns.
        var warmUp = await RunCostSessionAsync(stack, "cost-warm-up", 0);
        await stack.Lambdas.WhenIngressServedAsync("$disconnect", 1, limit.Token);
        await stack.ReadWorkflowsAsync(warmUp.Turns, limit.Token);
        stack.ResetMeters();

        var sessions = await Task.WhenAll(Enumerable.Range(0, CostSessions).Select(i => RunCostSessionAsync(stack, $"cost-{i}", i)));
        await stack.Lambdas.WhenIngressServedAsync("$disconnect", CostSessions, limit.Token);
        var workflows = await stack.ReadWorkflowsAsync(sessions.SelectMany(session => session.Turns), limit.Token);

        var run = new CostRun(
            sessions, workflows, stack.Lambdas.Invocations, stack.DynamoDb.Calls, stack.Connections.Posts, stack.Connections.Gone,
            stack.Queue.SentBytes, stack.Queue.Batches, stack.Model.Calls, TemplateSizing.Read(RepositoryFiles.File("template.yaml")))
        {
            WorkflowType = TemplateSizing.DefaultWorkflowType(RepositoryFiles.File("template.yaml")),
        };
        var sheet = new CostSheet(run);
        var folder = BenchPaths.ResultsFolder;
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"cost-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.md");
        await File.WriteAllTextAsync(file, sheet.Markdown(), limit.Token);
        Console.Error.WriteLine($"cost model written to {file}");
        return sheet.Measurements();
    }

    private static async Task<ClientSession> RunCostSessionAsync(CostStack stack, string user, int session)
    {
        var connected = Stopwatch.GetTimestamp();
        var client = await stack.ConnectAsync(user);
        var turns = new List<CompletedTurn>();
        var frameBytes = new List<int>();
        string? sessionId = null;
        for (var t = 0; t < CostTurnsPerSession; t++)
        {
            var requestId = $"{user}-{t}";
            var question = CostPrompt(session, t);
            var sent = Stopwatch.GetTimestamp();
            await client.SendMessageAsync(requestId, question, sessionId);
            var frames = await client.ReadUntilAsync(f => ChatFrames.Is(f, "done", requestId) || ChatFrames.Is(f, "error", requestId));
            var last = frames[^1];
            if (ChatFrames.Is(last.Frame, "error"))
                throw new InvalidOperationException($"Turn {requestId} failed: {last.Frame.GetRawText()}");
            sessionId ??= frames.First(f => ChatFrames.Is(f.Frame, "ack", requestId)).Frame.GetProperty("sessionId").GetString()!;
            var answer = string.Concat(
                frames.Where(f => ChatFrames.Is(f.Frame, "token", requestId)).Select(f => f.Frame.GetProperty("text").GetString()));
            frameBytes.AddRange(frames.Select(f => Encoding.UTF8.GetByteCount(f.Frame.GetRawText())));
            var duration = Stopwatch.GetElapsedTime(sent, last.ReceivedAt);
            turns.Add(new CompletedTurn(requestId, sessionId, question, answer, duration) { UserId = user });
        }
        await client.DisposeAsync();
        return new ClientSession(turns, CostTurnsPerSession, frameBytes, Stopwatch.GetElapsedTime(connected));
    }

    /// <summary>
    /// The local stack with its stores on dynalite and a meter at every point where the deployed stack would make a
    /// billed AWS call; each meter replaces one registration after <c>AddConduitLocal</c>, so the handlers are the real ones.
    /// </summary>
    private sealed class CostStack : IAsyncDisposable
    {
        /// <summary>
        /// What a Step Functions log event carries besides the event's details: its id, type, timestamps and the execution
        /// and state machine ARNs (about 400 bytes in AWS's documented examples).
        /// </summary>
        private const int LogEventEnvelopeBytes = 400;

        /// <summary>About what a real @connections POST from Lambda costs, as in the coalescing scenario.</summary>
        private static readonly TimeSpan PostLatency = TimeSpan.FromMilliseconds(15);

        private readonly WebApplication _app;
        private readonly LocalHostOptions _options;

        private CostStack(WebApplication app, LocalHostOptions options)
        {
            _app = app;
            _options = options;
        }

        public LambdaMeter Lambdas => _app.Services.GetRequiredService<LambdaMeter>();
        public DynamoDbMeter DynamoDb => _app.Services.GetRequiredService<DynamoDbMeter>();
        public ConnectionsMeter Connections => _app.Services.GetRequiredService<ConnectionsMeter>();
        public QueueMeter Queue => _app.Services.GetRequiredService<QueueMeter>();
        public MeteredChatClient Model => _app.Services.GetRequiredService<MeteredChatClient>();

        public static async Task<CostStack> StartAsync(Uri dynamoDbEndpoint)
        {
            var options = new LocalHostOptions
            {
                Port = LoopbackPort.Free(),
                InMemory = true,
                Store = new DynamoDbStore(dynamoDbEndpoint),
                Settings = Stack.Unlimited(new ConduitSettings()),
                Gateway = new GatewayOptions { PostLatency = PostLatency },
            };
            var app = LocalStack.Create(options, services =>
            {
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
                AddMeters(services, options);
            });
            await app.StartAsync();
            return new CostStack(app, options);
        }

        public Task<ChatConnection> ConnectAsync(string user) => Stack.ConnectAsync(_options, user);

        public void ResetMeters()
        {
            Lambdas.Reset();
            DynamoDb.Reset();
            Connections.Reset();
            Queue.Reset();
            Model.Reset();
        }

        /// <summary>Waits for each turn's execution to close, so every call it makes is counted, and reads its history.</summary>
        public async Task<IReadOnlyList<WorkflowRun>> ReadWorkflowsAsync(
            IEnumerable<CompletedTurn> turns, CancellationToken cancellationToken)
        {
            var emulator = _app.Services.GetRequiredService<StepFunctionsEmulator>();
            var runs = new List<WorkflowRun>();
            foreach (var turn in turns)
            {
                var execution = ExecutionNames.For(new TurnKey(turn.UserId, turn.RequestId), attempt: 1);
                var closed = await emulator.WaitForCompletionAsync(execution, cancellationToken);
                var history = await emulator.GetExecutionHistoryAsync(execution, cancellationToken);
                runs.Add(new WorkflowRun(turn.RequestId, closed.Status.ToApiName(), [.. history
                    .Where(e => e.Type.EndsWith("StateEntered", StringComparison.Ordinal))
                    .Select(e => (e.Type, e.Details["name"]?.GetValue<string>() ?? ""))])
                {
                    Duration = (closed.StopDate ?? closed.StartDate) - closed.StartDate,
                    HistoryBytes = history.Sum(e => LogEventEnvelopeBytes + Encoding.UTF8.GetByteCount(e.Details.ToJsonString())),
                });
            }
            return runs;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private static void AddMeters(IServiceCollection services, LocalHostOptions options)
        {
            var store = (DynamoDbStore)options.Store;
            services.AddSingleton<LambdaMeter>();
            services.AddSingleton<QueueMeter>();
            services.AddSingleton(new ConnectionsMeter(options.Gateway.Stage));
            services.AddSingleton<IStartupFilter>(sp => sp.GetRequiredService<ConnectionsMeter>());
            services.AddSingleton(sp => new DynamoDbMeter(sp.GetRequiredService<DynamoTableNames>()));

            services.AddSingleton<IAmazonDynamoDB>(sp =>
            {
                // The host's own code creates the tables; the metered client then serves every store.
                var tables = sp.GetRequiredService<DynamoTableNames>();
                var access = sp.GetRequiredService<LocalAwsAccess>();
                using (access.OpenDynamoDbAsync(store, tables, CancellationToken.None).GetAwaiter().GetResult())
                {
                }
                return sp.GetRequiredService<DynamoDbMeter>().OpenClient(store.Endpoint!);
            });

            services.AddSingleton(sp => new MeteredChatClient(
                new OfflineChatClient(
                    options.Model, ((MarkdownKnowledgeBase)sp.GetRequiredService<IKnowledgeBase>()).SharesTermsWith, TimeProvider.System),
                options.Model.FirstTokenDelay,
                options.Model.TokenDelay));
            services.AddSingleton<IChatClient>(sp => sp.GetRequiredService<MeteredChatClient>());

            services.AddSingleton(sp => new WebSocketGateway(
                sp.GetRequiredService<LambdaMeter>().MeasureIngress(sp.GetRequiredService<LocalFunctions>().Ingress),
                options.Gateway, TimeProvider.System, sp.GetRequiredService<ILogger<WebSocketGateway>>()));

            services.AddSingleton<ITaskInvoker>(sp =>
            {
                var meter = sp.GetRequiredService<LambdaMeter>();
                return new LambdaInvokeTaskInvoker(sp.GetRequiredService<LocalFunctions>().WorkflowHandlers()
                    .ToDictionary(function => function.Key, function => meter.Measure(FunctionName(function.Key), function.Value)));
            });

            services.AddSingleton<ITurnQueue>(
                sp => new MeteredTurnQueue(new LocalTurnQueue(sp.GetRequiredService<DurableQueue>()), sp.GetRequiredService<QueueMeter>()));

            // AddHostedService adds a type once only, so the unmetered event source has to go before the metered one comes in.
            services.Remove(services.Single(descriptor =>
                descriptor.ServiceType == typeof(IHostedService) && descriptor.ImplementationFactory?.Method.ReturnType == typeof(
                    SqsEventSource)));
            services.AddHostedService(sp =>
            {
                var source = new SqsEventSource(
                    sp.GetRequiredService<DurableQueue>(),
                    sp.GetRequiredService<LambdaMeter>().Measure(
                        LambdaMeter.Dispatcher, sp.GetRequiredService<LocalFunctions>().Dispatcher),
                    options.Queue,
                    sp.GetRequiredService<ILogger<SqsEventSource>>());
                source.BatchCompleted += sp.GetRequiredService<QueueMeter>().RecordBatch;
                return source;
            });
        }

        /// <summary>"arn:…:function:conduit-Plan" → "Plan", the template's PlanFunction.</summary>
        private static string FunctionName(string arn) => arn[(arn.LastIndexOf(':') + 1)..].Replace(
            "conduit-", "", StringComparison.Ordinal);
    }
}
