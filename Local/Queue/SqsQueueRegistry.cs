using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Queue;

/// <summary>
/// Every queue the SQS API serves: the chat turns queue and its dead-letter queue, which the host defines, and the
/// queues created through the API, which are kept in the data folder like the turns queue and come back after a restart.
/// </summary>
public sealed class SqsQueueRegistry
{
    public const int MaxQueueNameLength = 80;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS sqs_queues (
            name TEXT PRIMARY KEY,
            attributes TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """;

    /// <summary>The attributes CreateQueue may set, with SQS's defaults; null means no default.</summary>
    private static readonly IReadOnlyDictionary<string, string?> Settable = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["DelaySeconds"] = "0",
        ["MaximumMessageSize"] = SqsMessageLimits.MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
        ["MessageRetentionPeriod"] = "345600",
        ["ReceiveMessageWaitTimeSeconds"] = "0",
        ["VisibilityTimeout"] = "30",
        ["RedrivePolicy"] = null,
        ["Policy"] = null,
        ["RedriveAllowPolicy"] = null,
        ["KmsMasterKeyId"] = null,
        ["KmsDataKeyReusePeriodSeconds"] = null,
        ["SqsManagedSseEnabled"] = null,
    };

    private static readonly IReadOnlyDictionary<string, (int Min, int Max)> NumberRanges =
        new Dictionary<string, (int, int)>(StringComparer.Ordinal)
    {
        ["DelaySeconds"] = (0, 900),
        ["MaximumMessageSize"] = (1024, SqsMessageLimits.MaxMessageBytes),
        ["MessageRetentionPeriod"] = (60, 1_209_600),
        ["ReceiveMessageWaitTimeSeconds"] = (0, 20),
        ["VisibilityTimeout"] = (0, 43_200),
        ["KmsDataKeyReusePeriodSeconds"] = (60, 86_400),
    };

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SqsQueue> _queues = new(StringComparer.Ordinal);

    public SqsQueueRegistry(SqliteDatabase database, DurableQueue turnsQueue, QueueOptions turnsOptions, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(turnsQueue);
        ArgumentNullException.ThrowIfNull(turnsOptions);
        _database = database;
        _time = time;
        Region = turnsOptions.Region;
        AccountId = turnsOptions.AccountId;
        _database.Execute(Schema);

        var started = time.GetUtcNow();
        var deadLetterQueue = turnsQueue.DeadLetterQueue!;
        var visibility = ((int)turnsQueue.VisibilityTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        _queues[deadLetterQueue.Name] = new SqsQueue(
            deadLetterQueue.Name,
            deadLetterQueue,
            WithDefaults(new Dictionary<string, string> { ["VisibilityTimeout"] = visibility }),
            started);
        _queues[turnsQueue.Name] = new SqsQueue(
            turnsQueue.Name,
            turnsQueue,
            WithDefaults(new Dictionary<string, string>
            {
                ["VisibilityTimeout"] = visibility,
                ["RedrivePolicy"] = RedrivePolicy(ArnOf(deadLetterQueue.Name), turnsOptions.MaxReceiveCount),
            }),
            started);
        LoadCreatedQueues();
    }

    public string Region { get; }

    public string AccountId { get; }

    public string ArnOf(string name) => $"arn:aws:sqs:{Region}:{AccountId}:{name}";

    public SqsQueue? Find(string name)
    {
        lock (_lock) return _queues.GetValueOrDefault(name);
    }

    /// <summary>Every queue, in name order.</summary>
    public IReadOnlyList<SqsQueue> List()
    {
        lock (_lock) return [.. _queues.Values.OrderBy(queue => queue.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Creates a queue, or returns the one of that name when every attribute asked for matches it, as CreateQueue does.
    /// </summary>
    /// <exception cref="Edge.AwsJsonException">A bad name or attribute, or a queue of that name that differs.</exception>
    public async Task<SqsQueue> CreateAsync(
        string name, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken)
    {
        ValidateName(name);
        foreach (var (attribute, value) in attributes) Validate(attribute, value);
        var effective = WithDefaults(attributes);
        var createdAt = _time.GetUtcNow();
        SqsQueue queue;
        lock (_lock)
        {
            if (_queues.TryGetValue(name, out var existing)) return SameOrRefuse(existing, attributes);
            queue = Build(name, effective, createdAt);
            _queues[name] = queue;
        }

        try
        {
            await _database.RunAsync(connection =>
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO sqs_queues (name, attributes, created_at) VALUES ($name, $attributes, $createdAt)";
                insert.Parameters.AddWithValue("$name", name);
                insert.Parameters.AddWithValue("$attributes", Serialize(effective));
                insert.Parameters.AddWithValue("$createdAt", createdAt.ToUnixTimeMilliseconds());
                insert.ExecuteNonQuery();
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A queue whose row never committed would vanish at the next start, with whatever was sent to it.
            lock (_lock) _queues.Remove(name);
            throw;
        }

        return queue;
    }

    private static SqsQueue SameOrRefuse(SqsQueue existing, IReadOnlyDictionary<string, string> attributes)
    {
        foreach (var (attribute, value) in attributes)
        {
            if (existing.Attributes.GetValueOrDefault(attribute) is { } current && SameValue(attribute, current, value)) continue;
            throw SqsErrors.QueueNameExists($"A queue already exists with the same name and a different value for attribute {attribute}");
        }

        return existing;
    }

    private static bool SameValue(string attribute, string current, string asked) =>
        attribute == "RedrivePolicy"
            ? JsonNode.DeepEquals(JsonNode.Parse(current), ParseRedrivePolicy(asked).Normalized)
            : string.Equals(current, asked, StringComparison.Ordinal);

    private void LoadCreatedQueues()
    {
        var rows = _database.RunAsync(connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT name, attributes, created_at FROM sqs_queues";
            using var reader = select.ExecuteReader();
            var loaded = new Dictionary<string, (IReadOnlyDictionary<string, string> Attributes, long CreatedAt)>(StringComparer.Ordinal);
            while (reader.Read()) loaded[reader.GetString(0)] = (Deserialize(reader.GetString(1)), reader.GetInt64(2));
            return loaded;
        }).GetAwaiter().GetResult();

        // A dead-letter queue is built before the queues that name it, as its messages' destination.
        void Load(string name)
        {
            if (_queues.ContainsKey(name) || !rows.TryGetValue(name, out var row)) return;
            if (row.Attributes.GetValueOrDefault("RedrivePolicy") is { } policy) Load(NameOfArn(ParseRedrivePolicy(policy).TargetArn));
            _queues[name] = Build(name, row.Attributes, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
        }

        foreach (var name in rows.Keys) Load(name);
    }

    private SqsQueue Build(string name, IReadOnlyDictionary<string, string> attributes, DateTimeOffset createdAt)
    {
        DurableQueue? deadLetterQueue = null;
        var maxReceiveCount = int.MaxValue;
        if (attributes.GetValueOrDefault("RedrivePolicy") is { } policy)
        {
            var redrive = ParseRedrivePolicy(policy);
            deadLetterQueue = _queues.GetValueOrDefault(NameOfArn(redrive.TargetArn))?.Messages
                ?? throw SqsErrors.InvalidParameterValue(
                    $"Value {policy} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.");
            maxReceiveCount = redrive.MaxReceiveCount;
        }

        var visibility = TimeSpan.FromSeconds(int.Parse(attributes["VisibilityTimeout"], CultureInfo.InvariantCulture));
        var messages = new DurableQueue(_database, name, visibility, deadLetterQueue, maxReceiveCount, _time);
        return new SqsQueue(name, messages, attributes, createdAt);
    }

    private string NameOfArn(string arn)
    {
        var prefix = ArnOf("");
        return arn.StartsWith(prefix, StringComparison.Ordinal) ? arn[prefix.Length..] : "";
    }

    private static void ValidateName(string name)
    {
        if (name.EndsWith(".fifo", StringComparison.Ordinal))
            throw SqsErrors.UnsupportedOperation("FIFO queues are not served by the local SQS; use a standard queue.");
        if (name.Length is 0 or > MaxQueueNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, "
                + $"hyphens, or underscores. 1 to {MaxQueueNameLength} in length.");
        }
    }

    private static void Validate(string attribute, string value)
    {
        if (attribute is "FifoQueue" or "ContentBasedDeduplication" or "DeduplicationScope" or "FifoThroughputLimit")
            throw SqsErrors.UnsupportedOperation($"{attribute}: FIFO queues are not served by the local SQS; use a standard queue.");
        if (!Settable.ContainsKey(attribute)) throw SqsErrors.InvalidAttributeName(attribute);
        if (NumberRanges.TryGetValue(attribute, out var range)
            && !(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                 && number >= range.Min && number <= range.Max))
        {
            throw SqsErrors.InvalidAttributeValue(attribute, $"Must be an integer from {range.Min} to {range.Max}.");
        }

        if (attribute == "RedrivePolicy") ParseRedrivePolicy(value);
    }

    private static IReadOnlyDictionary<string, string> WithDefaults(IReadOnlyDictionary<string, string> attributes)
    {
        var effective = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (attribute, fallback) in Settable)
        {
            if (attributes.TryGetValue(attribute, out var value))
                effective[attribute] = attribute == "RedrivePolicy" ? ParseRedrivePolicy(value).Normalized.ToJsonString() : value;
            else if (fallback is not null) effective[attribute] = fallback;
        }

        return effective;
    }

    private static string RedrivePolicy(string deadLetterTargetArn, int maxReceiveCount) =>
        new JsonObject { ["deadLetterTargetArn"] = deadLetterTargetArn, ["maxReceiveCount"] = maxReceiveCount }.ToJsonString();

    /// <summary>SQS takes maxReceiveCount as a number or a string of one, and answers with a number.</summary>
    private static (string TargetArn, int MaxReceiveCount, JsonObject Normalized) ParseRedrivePolicy(string policy)
    {
        JsonObject? parsed;
        try
        {
            parsed = JsonNode.Parse(policy) as JsonObject;
        }
        catch (JsonException)
        {
            parsed = null;
        }

        var target = parsed?["deadLetterTargetArn"] is JsonValue arn && arn.TryGetValue<string>(out var arnText) ? arnText : null;
        int? count = parsed?["maxReceiveCount"] switch
        {
            JsonValue value when value.TryGetValue<int>(out var number) => number,
            JsonValue value when value.TryGetValue<string>(out var text)
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
        if (target is null || count is not (>= 1 and <= 1000))
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {policy} for parameter RedrivePolicy is invalid. Reason: "
                + "Redrive policy is not a JSON object with deadLetterTargetArn and a maxReceiveCount from 1 to 1000.");
        }

        return (target, count.Value, new JsonObject { ["deadLetterTargetArn"] = target, ["maxReceiveCount"] = count.Value });
    }

    private static string Serialize(IReadOnlyDictionary<string, string> attributes) =>
        new JsonObject(attributes.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))).ToJsonString();

    private static Dictionary<string, string> Deserialize(string json) =>
        ((JsonObject)JsonNode.Parse(json)!).ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>(), StringComparer.Ordinal);
}
