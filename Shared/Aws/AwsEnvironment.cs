using System.Globalization;
using Conduit.Aws.DynamoDb;

namespace Conduit.Aws;

/// <summary>
/// The environment variables a deployed function is configured with (template.yaml sets them), read and checked
/// when the function starts, so a bad deployment fails its first cold start with the variable's name.
/// </summary>
public sealed class AwsEnvironment(Func<string, string?> read)
{
    public const string ConnectionsTable = "CONNECTIONS_TABLE";
    public const string SessionsTable = "SESSIONS_TABLE";
    public const string TurnsTable = "TURNS_TABLE";
    public const string MessagesTable = "MESSAGES_TABLE";
    public const string MessageKeysTable = "MESSAGE_KEYS_TABLE";
    public const string FramesTable = "FRAMES_TABLE";
    public const string SubscriptionsTable = "SUBSCRIPTIONS_TABLE";
    public const string RateLimitsTable = "RATE_LIMITS_TABLE";
    public const string TurnQueueUrl = "TURN_QUEUE_URL";
    public const string StateMachineArn = "STATE_MACHINE_ARN";
    public const string ConnectionsEndpoint = "CONNECTIONS_ENDPOINT";
    public const string ModelId = "MODEL_ID";
    public const string MaxTokens = "MAX_TOKENS";
    public const string HistoryWindow = "HISTORY_WINDOW";
    public const string KnowledgeBaseId = "KNOWLEDGE_BASE_ID";
    public const string AllowedOrigins = "ALLOWED_ORIGINS";
    public const string JwksUrl = "JWKS_URL";
    public const string JwtIssuer = "JWT_ISSUER";
    public const string JwtAudience = "JWT_AUDIENCE";
    public const string Region = "AWS_REGION";

    public static AwsEnvironment Process { get; } = new(Environment.GetEnvironmentVariable);

    public string Required(string name) =>
        read(name) is { Length: > 0 } value ? value : throw new ConfigurationException($"Environment variable {name} is not set.");

    public string? Optional(string name) => read(name) is { Length: > 0 } value ? value : null;

    public Uri RequiredUri(string name)
    {
        var text = Required(name);
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
            ? uri
            : throw new ConfigurationException($"Environment variable {name} must be an http(s) URL, not \"{text}\".");
    }

    public int Number(string name, int fallback, int min, int max)
    {
        if (Optional(name) is not { } text) return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ConfigurationException($"Environment variable {name} must be a whole number from {min} to {max}, not \"{text}\".");
    }

    /// <summary>All eight table names, or null when none is set; some but not all is a misconfiguration.</summary>
    public DynamoTableNames? TableNamesIfSet()
    {
        string[] names =
        [
            ConnectionsTable, SessionsTable, TurnsTable, MessagesTable, MessageKeysTable, FramesTable, SubscriptionsTable, RateLimitsTable,
        ];
        if (names.All(name => Optional(name) is null)) return null;
        return new DynamoTableNames(
            Required(ConnectionsTable), Required(SessionsTable), Required(TurnsTable), Required(MessagesTable),
            Required(MessageKeysTable), Required(FramesTable), Required(SubscriptionsTable), Required(RateLimitsTable));
    }
}
