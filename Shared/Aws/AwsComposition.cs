using Amazon;
using Amazon.DynamoDBv2;
using Conduit.Shared.Aws.ApiGatewayManagement;
using Conduit.Shared.Aws.BedrockAgentRuntime;
using Conduit.Shared.Aws.BedrockRuntime;
using Conduit.Shared.Aws.DynamoDb;
using Conduit.Shared.Aws.Sqs;
using Conduit.Shared.Aws.StepFunctions;
using Conduit.Shared.Chat;
using Conduit.Shared.Observability;
using Conduit.Shared.Ports;
using Conduit.Shared.Security;
using Microsoft.Extensions.Logging;

namespace Conduit.Shared.Aws;

/// <summary>
/// The one place the AWS environment is composed: which adapter serves each port, configured from the
/// function's environment variables. Each entry point asks only for what it runs, and a missing or malformed
/// variable fails that function's cold start with one line naming it.
/// </summary>
public sealed class AwsComposition
{
    private readonly AwsEnvironment _environment;
    private readonly TimeProvider _time;
    private readonly Lazy<AwsClientSettings> _clientSettings;
    private readonly Lazy<IAmazonDynamoDB> _dynamoDb;
    private readonly Lazy<DynamoTableNames> _tables;
    private readonly Lazy<ConduitSettings> _settings;
    private readonly Lazy<SqsTurnQueue> _queue;
    private readonly Lazy<FrameDelivery> _delivery;

    public AwsComposition(AwsEnvironment environment, TextWriter output, TimeProvider time)
    {
        _environment = environment;
        _time = time;
        Telemetry = new FunctionTelemetry(new JsonLineLoggerFactory(output, LogLevelFrom(environment), time), new EmfMetrics(output, time));
        _clientSettings = new(() => new AwsClientSettings { Region = RegionEndpoint.GetBySystemName(environment.Required(AwsEnvironment.Region)) });
        _dynamoDb = new(() => new AmazonDynamoDBClient(new AmazonDynamoDBConfig { RegionEndpoint = _clientSettings.Value.Region }));
        _tables = new(() => environment.TableNamesIfSet()
            ?? throw new ConfigurationException($"Environment variable {AwsEnvironment.ConnectionsTable} is not set (nor any other *_TABLE)."));
        _settings = new(() => new ConduitSettings
        {
            HistoryWindow = environment.Number(AwsEnvironment.HistoryWindow, 20, 2, 100),
            MaxOutputTokens = environment.Number(AwsEnvironment.MaxTokens, 1_024, 1, 64_000),
            MaxToolRounds = environment.Optional(AwsEnvironment.KnowledgeBaseId) is null ? 0 : 2,
            AllowedOrigins = (environment.Optional(AwsEnvironment.AllowedOrigins) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToHashSet(StringComparer.Ordinal),
        });
        _queue = new(() => new SqsTurnQueue(new SqsClient(_clientSettings.Value), environment.Required(AwsEnvironment.TurnQueueUrl)));
        _delivery = new(() => new FrameDelivery(
            Frames(),
            Subscriptions(),
            new ApiGatewayManagementClient(environment.RequiredUri(AwsEnvironment.ConnectionsEndpoint), _clientSettings.Value),
            Connections(),
            Telemetry.Metrics,
            time,
            Telemetry.Loggers.CreateLogger<FrameDelivery>()));
    }

    /// <summary>The composition Lambda's parameterless handler constructors use: this process's environment, stdout.</summary>
    public static AwsComposition Current => CurrentComposition.Value;

    public FunctionTelemetry Telemetry { get; }

    public ChatIngress Ingress() => new(
        Connections(),
        Sessions(),
        Turns(),
        Queue(),
        Subscriptions(),
        new DynamoRateLimitStore(_dynamoDb.Value, _tables.Value),
        new JwtConnectionAuthenticator(new JwtValidator(
            new JwksKeySource(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, _environment.RequiredUri(AwsEnvironment.JwksUrl), _time),
            new JwtValidatorOptions
            {
                Issuer = _environment.Required(AwsEnvironment.JwtIssuer),
                Audience = _environment.Required(AwsEnvironment.JwtAudience),
                AllowedAlgorithms = [JwtAlgorithms.Rs256, JwtAlgorithms.Es256],
                Time = _time,
            })),
        new SessionReader(Sessions(), Subscriptions(), Frames(), History(), Delivery(), _settings.Value, _time),
        new TurnCanceller(Turns(), Publisher()),
        _settings.Value,
        _time,
        Telemetry.Loggers.CreateLogger<ChatIngress>());

    public TurnDispatcher Dispatcher() => new(
        Turns(),
        new StepFunctionsWorkflowStarter(new StepFunctionsClient(_clientSettings.Value), _environment.Required(AwsEnvironment.StateMachineArn)),
        Sequencer(),
        Publisher(),
        Telemetry.Loggers.CreateLogger<TurnDispatcher>());

    public ChatWorkflow Workflow()
    {
        var model = new BedrockChatClient(_clientSettings.Value, _environment.Required(AwsEnvironment.ModelId), new BedrockModelOptions { MaxTokens = _settings.Value.MaxOutputTokens });
        return new ChatWorkflow(
            Turns(),
            History(),
            model,
            KnowledgeBase(),
            Publisher(),
            Sequencer(),
            new AnswerStreamer(model, _settings.Value, Telemetry.Metrics, _time),
            _settings.Value,
            Telemetry.Metrics,
            _time);
    }

    private static readonly Lazy<AwsComposition> CurrentComposition = new(() => new AwsComposition(AwsEnvironment.Process, Console.Out, TimeProvider.System));

    private DynamoConnectionStore Connections() => new(_dynamoDb.Value, _tables.Value);

    private DynamoSessionStore Sessions() => new(_dynamoDb.Value, _tables.Value, _time, _settings.Value.SessionTtl);

    private DynamoTurnStore Turns() => new(_dynamoDb.Value, _tables.Value, _time, _settings.Value.SessionTtl);

    private DynamoHistoryStore History() => new(_dynamoDb.Value, _tables.Value, _time);

    private DynamoFrameStore Frames() => new(_dynamoDb.Value, _tables.Value, _time);

    private DynamoSubscriptionStore Subscriptions() => new(_dynamoDb.Value, _tables.Value);

    private SqsTurnQueue Queue() => _queue.Value;

    private TurnSequencer Sequencer() => new(Sessions(), Turns(), Queue(), _time);

    private FrameDelivery Delivery() => _delivery.Value;

    private FramePublisher Publisher() => new(Frames(), Subscriptions(), Delivery());

    /// <summary>Without a knowledge base the planner offers no tool (MaxToolRounds is 0), so this is never searched.</summary>
    private IKnowledgeBase KnowledgeBase() =>
        _environment.Optional(AwsEnvironment.KnowledgeBaseId) is { } id
            ? new BedrockKnowledgeBase(_clientSettings.Value, id)
            : new NoKnowledgeBase();

    private static LogLevel LogLevelFrom(AwsEnvironment environment) =>
        environment.Optional("LOG_LEVEL") is { } text
            ? Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level) ? level : throw new ConfigurationException($"Environment variable LOG_LEVEL must be a log level (Information, Debug, …), not \"{text}\".")
            : LogLevel.Information;

    private sealed class NoKnowledgeBase : IKnowledgeBase
    {
        public Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Passage>>([]);
    }
}
