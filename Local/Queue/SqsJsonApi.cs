using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Aws.Lambda;
using Conduit.Local.Edge;

namespace Conduit.Local.Queue;

/// <summary>
/// Amazon SQS's JSON 1.0 API over the host's durable queues, with the members, limits, digests and errors of the
/// real service, so the AWS SDKs and CLI work against it unchanged. The turns queue is one of the queues: a client
/// receiving from it competes with the Dispatcher's event source, as it would on AWS.
/// </summary>
public sealed class SqsJsonApi(SqsQueueRegistry registry, Uri hostBase, TimeProvider time) : IAwsJsonService
{
    public const int MaxBatchEntries = 10;
    public const int MaxWaitTimeSeconds = 20;
    public const int MaxListResults = 1000;

    private const string SenderId = "local";

    private static readonly string[] SystemAttributeNames =
        ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"];

    private static readonly string[] QueueAttributeNames =
    [
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn", "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod",
        "ReceiveMessageWaitTimeSeconds", "VisibilityTimeout", "RedrivePolicy", "Policy", "RedriveAllowPolicy", "KmsMasterKeyId",
        "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
    ];

    public string TargetPrefix => "AmazonSQS";

    public string SigningName => "sqs";

    public string ContentType => "application/x-amz-json-1.0";

    public async Task<JsonObject> InvokeAsync(string operation, JsonObject input, CancellationToken cancellationToken) => operation switch
    {
        "CreateQueue" => await CreateQueueAsync(input, cancellationToken).ConfigureAwait(false),
        "GetQueueUrl" => new JsonObject { ["QueueUrl"] = UrlOf(QueueNamed(Required(input, "QueueName"))) },
        "ListQueues" => ListQueues(input),
        "GetQueueAttributes" => await GetQueueAttributesAsync(input, cancellationToken).ConfigureAwait(false),
        "SendMessage" => await SendMessageAsync(input, cancellationToken).ConfigureAwait(false),
        "SendMessageBatch" => await SendMessageBatchAsync(input, cancellationToken).ConfigureAwait(false),
        "ReceiveMessage" => await ReceiveMessageAsync(input, cancellationToken).ConfigureAwait(false),
        "DeleteMessage" => await DeleteMessageAsync(input, cancellationToken).ConfigureAwait(false),
        "DeleteMessageBatch" => await DeleteMessageBatchAsync(input, cancellationToken).ConfigureAwait(false),
        "ChangeMessageVisibility" => await ChangeMessageVisibilityAsync(input, cancellationToken).ConfigureAwait(false),
        "PurgeQueue" => await PurgeQueueAsync(input, cancellationToken).ConfigureAwait(false),
        _ => throw AwsJsonException.UnknownOperation($"AmazonSQS.{operation} is not an operation the local SQS service implements."),
    };

    private async Task<JsonObject> CreateQueueAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var attributes = StringMap(input, "Attributes");
        var queue = await registry.CreateAsync(Required(input, "QueueName"), attributes, cancellationToken).ConfigureAwait(false);
        return new JsonObject { ["QueueUrl"] = UrlOf(queue) };
    }

    private JsonObject ListQueues(JsonObject input)
    {
        var prefix = Optional(input, "QueueNamePrefix") ?? "";
        var maxResults = OptionalInt(input, "MaxResults");
        if (maxResults is < 1 or > MaxListResults)
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {maxResults} for parameter MaxResults is invalid. "
                + $"Reason: MaxResults must be an integer between 1 and {MaxListResults}.");
        }

        var names = registry.List().Where(queue => queue.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var skip = 0;
        if (Optional(input, "NextToken") is { } token)
        {
            skip = names.FindIndex(queue => string.CompareOrdinal(queue.Name, token) > 0);
            if (skip < 0) skip = names.Count;
        }

        var page = names.Skip(skip).Take(maxResults ?? MaxListResults).ToList();
        var output = new JsonObject();
        if (page.Count > 0) output["QueueUrls"] = new JsonArray([.. page.Select(queue => (JsonNode)UrlOf(queue))]);
        if (maxResults is not null && skip + page.Count < names.Count) output["NextToken"] = page[^1].Name;
        return output;
    }

    private async Task<JsonObject> GetQueueAttributesAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var asked = StringList(input, "AttributeNames");
        foreach (var name in asked)
        {
            if (name != "All" && !QueueAttributeNames.Contains(name, StringComparer.Ordinal)) throw SqsErrors.InvalidAttributeName(name);
        }

        IReadOnlyList<string> wanted = asked.Contains("All", StringComparer.Ordinal) ? QueueAttributeNames : asked;
        if (wanted.Count == 0) return [];
        var (visible, notVisible, delayed) = await queue.Messages.CountAsync(cancellationToken).ConfigureAwait(false);
        var created = queue.CreatedTimestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var values = new Dictionary<string, string>(queue.Attributes, StringComparer.Ordinal)
        {
            ["ApproximateNumberOfMessages"] = Text(visible),
            ["ApproximateNumberOfMessagesNotVisible"] = Text(notVisible),
            ["ApproximateNumberOfMessagesDelayed"] = Text(delayed),
            ["CreatedTimestamp"] = created,
            ["LastModifiedTimestamp"] = created,
            ["QueueArn"] = registry.ArnOf(queue.Name),
        };
        var attributes = new JsonObject();
        foreach (var name in wanted.Distinct(StringComparer.Ordinal))
        {
            if (values.TryGetValue(name, out var value)) attributes[name] = value;
        }

        return new JsonObject { ["Attributes"] = attributes };
    }

    private async Task<JsonObject> SendMessageAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var message = ReadMessage(input, queue);
        var messageId = await Send(queue, message, cancellationToken).ConfigureAwait(false);
        return SentJson(new JsonObject(), messageId, message);
    }

    private async Task<JsonObject> SendMessageBatchAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var entries = BatchEntries(input);
        var messages = new List<(string Id, OutgoingMessage? Message, AwsJsonException? Refusal)>(entries.Count);
        var total = 0;
        foreach (var (id, entry) in entries)
        {
            try
            {
                var message = ReadMessage(entry, queue);
                total += message.Size;
                messages.Add((id, message, null));
            }
            catch (AwsJsonException refusal) when (refusal.StatusCode == 400)
            {
                messages.Add((id, null, refusal));
            }
        }

        if (total > SqsMessageLimits.MaxMessageBytes) throw SqsErrors.BatchRequestTooLong(total);

        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var (id, message, refusal) in messages)
        {
            if (message is null)
            {
                failed.Add(Failure(id, refusal!));
                continue;
            }

            var messageId = await Send(queue, message, cancellationToken).ConfigureAwait(false);
            successful.Add(SentJson(new JsonObject { ["Id"] = id }, messageId, message));
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    private async Task<JsonObject> ReceiveMessageAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var max = InRange(input, "MaxNumberOfMessages", 1, QueueOptions.MaxBatchSize) ?? 1;
        var visibility = InRange(input, "VisibilityTimeout", 0, (int)QueueOptions.MaxVisibilityTimeout.TotalSeconds) is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : queue.Messages.VisibilityTimeout;
        var wait = InRange(input, "WaitTimeSeconds", 0, MaxWaitTimeSeconds)
            ?? int.Parse(queue.Attributes["ReceiveMessageWaitTimeSeconds"], CultureInfo.InvariantCulture);
        var systemNames = StringList(input, "MessageSystemAttributeNames")
            .Concat(StringList(input, "AttributeNames"))
            .ToHashSet(StringComparer.Ordinal);
        var attributeNames = StringList(input, "MessageAttributeNames");

        var received = await ReceiveWaitingAsync(queue.Messages, max, visibility, TimeSpan.FromSeconds(wait), cancellationToken)
            .ConfigureAwait(false);
        var messages = received.Select(message => (JsonNode)MessageJson(message, systemNames, attributeNames));
        return new JsonObject { ["Messages"] = new JsonArray([.. messages]) };
    }

    /// <summary>Long polling: answers as soon as a receive finds messages, or with none once <paramref name="wait"/> has passed.</summary>
    private async Task<IReadOnlyList<QueueMessage>> ReceiveWaitingAsync(
        DurableQueue queue, int max, TimeSpan visibility, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(wait, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        while (true)
        {
            var received = await queue.ReceiveAsync(max, visibility, cancellationToken).ConfigureAwait(false);
            if (received.Count > 0 || wait == TimeSpan.Zero || deadline.IsCancellationRequested) return received;
            try
            {
                await queue.WaitForVisibleAsync(waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return [];
            }
        }
    }

    private async Task<JsonObject> DeleteMessageAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        await Delete(queue, Required(input, "ReceiptHandle"), cancellationToken).ConfigureAwait(false);
        return [];
    }

    private async Task<JsonObject> DeleteMessageBatchAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var successful = new JsonArray();
        var failed = new JsonArray();
        foreach (var (id, entry) in BatchEntries(input))
        {
            try
            {
                await Delete(queue, Required(entry, "ReceiptHandle"), cancellationToken).ConfigureAwait(false);
                successful.Add(new JsonObject { ["Id"] = id });
            }
            catch (AwsJsonException refusal) when (refusal.StatusCode == 400)
            {
                failed.Add(Failure(id, refusal));
            }
        }

        return new JsonObject { ["Successful"] = successful, ["Failed"] = failed };
    }

    private async Task<JsonObject> ChangeMessageVisibilityAsync(JsonObject input, CancellationToken cancellationToken)
    {
        var queue = QueueOf(input);
        var receiptHandle = WellFormedHandle(Required(input, "ReceiptHandle"));
        var seconds = InRange(input, "VisibilityTimeout", 0, (int)QueueOptions.MaxVisibilityTimeout.TotalSeconds)
            ?? throw SqsErrors.MissingParameter("VisibilityTimeout");
        var outcome = await queue.Messages.ChangeVisibilityWithOutcomeAsync(receiptHandle, TimeSpan.FromSeconds(seconds), cancellationToken)
            .ConfigureAwait(false);
        return outcome switch
        {
            VisibilityChange.Changed => [],
            VisibilityChange.NotInFlight => throw SqsErrors.MessageNotInflight(),
            _ => throw SqsErrors.InvalidParameterValue(
                $"Value {receiptHandle} for parameter ReceiptHandle is invalid. "
                + "Reason: Message does not exist or is not available for visibility timeout change."),
        };
    }

    private async Task<JsonObject> PurgeQueueAsync(JsonObject input, CancellationToken cancellationToken)
    {
        await QueueOf(input).Messages.PurgeAsync(cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>A stale handle deletes nothing and still succeeds, as on SQS; only one that was never a handle is refused.</summary>
    private static Task Delete(SqsQueue queue, string receiptHandle, CancellationToken cancellationToken) =>
        queue.Messages.DeleteAsync(WellFormedHandle(receiptHandle), cancellationToken);

    private static string WellFormedHandle(string receiptHandle) =>
        DurableQueue.IsWellFormedReceiptHandle(receiptHandle) ? receiptHandle : throw SqsErrors.ReceiptHandleIsInvalid(receiptHandle);

    private static Task<string> Send(SqsQueue queue, OutgoingMessage message, CancellationToken cancellationToken) =>
        queue.Messages.SendAsync(message.Body, message.Attributes, message.Delay, cancellationToken);

    private static JsonObject SentJson(JsonObject output, string messageId, OutgoingMessage message)
    {
        output["MessageId"] = messageId;
        output["MD5OfMessageBody"] = SqsDigests.OfBody(message.Body);
        if (SqsDigests.OfAttributes(message.Attributes) is { } digest) output["MD5OfMessageAttributes"] = digest;
        return output;
    }

    private static JsonObject Failure(string id, AwsJsonException refusal) => new()
    {
        ["Id"] = id,
        ["SenderFault"] = true,
        ["Code"] = refusal.ErrorCode,
        ["Message"] = refusal.Message,
    };

    /// <summary>A SendMessage request or batch entry, checked against SQS's limits and the queue's.</summary>
    private static OutgoingMessage ReadMessage(JsonObject input, SqsQueue queue)
    {
        var body = Required(input, "MessageBody");
        if (!SqsMessageLimits.HasOnlyAllowedCharacters(body))
        {
            throw SqsErrors.InvalidMessageContents(
                "Invalid characters found. Valid unicode characters are "
                + "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
        }

        var delay = InRange(input, "DelaySeconds", 0, (int)DurableQueue.MaxDelay.TotalSeconds)
            ?? int.Parse(queue.Attributes["DelaySeconds"], CultureInfo.InvariantCulture);
        var attributes = MessageAttributes(input);
        int size;
        try
        {
            size = SqsMessageLimits.Validate(body, attributes);
        }
        catch (ArgumentException exception)
        {
            throw SqsErrors.InvalidParameterValue(exception.Message);
        }

        var maximum = int.Parse(queue.Attributes["MaximumMessageSize"], CultureInfo.InvariantCulture);
        if (size > maximum)
        {
            throw SqsErrors.InvalidParameterValue(
                $"One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes.");
        }

        return new OutgoingMessage(body, attributes, TimeSpan.FromSeconds(delay), size);
    }

    private static Dictionary<string, SqsMessageAttribute> MessageAttributes(JsonObject input)
    {
        var attributes = new Dictionary<string, SqsMessageAttribute>(StringComparer.Ordinal);
        if (input["MessageAttributes"] is null) return attributes;
        if (input["MessageAttributes"] is not JsonObject map)
            throw AwsJsonException.Serialization("'MessageAttributes' must be an object.");
        foreach (var (name, node) in map)
        {
            if (node is not JsonObject value) throw AwsJsonException.Serialization($"Message attribute '{name}' must be an object.");
            attributes[name] = new SqsMessageAttribute
            {
                DataType = Optional(value, "DataType")
                    ?? throw SqsErrors.InvalidParameterValue($"The message attribute '{name}' must contain a non-empty attribute type."),
                StringValue = Optional(value, "StringValue"),
                BinaryValue = Optional(value, "BinaryValue"),
            };
        }

        return attributes;
    }

    private static JsonObject MessageJson(QueueMessage message, HashSet<string> systemNames, IReadOnlyList<string> attributeNames)
    {
        var json = new JsonObject
        {
            ["MessageId"] = message.MessageId,
            ["ReceiptHandle"] = message.ReceiptHandle,
            ["MD5OfBody"] = SqsDigests.OfBody(message.Body),
            ["Body"] = message.Body,
        };

        var all = systemNames.Contains("All");
        var system = new JsonObject();
        foreach (var name in SystemAttributeNames.Where(name => all || systemNames.Contains(name)))
        {
            system[name] = name switch
            {
                "SenderId" => SenderId,
                "SentTimestamp" => Text(message.SentTimestamp.ToUnixTimeMilliseconds()),
                "ApproximateReceiveCount" => Text(message.ApproximateReceiveCount),
                _ => Text(message.ApproximateFirstReceiveTimestamp.ToUnixTimeMilliseconds()),
            };
        }

        if (system.Count > 0) json["Attributes"] = system;

        var selected = message.MessageAttributes
            .Where(pair => attributeNames.Any(pattern => Matches(pattern, pair.Key)))
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        if (SqsDigests.OfAttributes(selected) is { } digest)
        {
            json["MD5OfMessageAttributes"] = digest;
            json["MessageAttributes"] = new JsonObject(
                selected.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)AttributeJson(pair.Value))));
        }

        return json;
    }

    /// <summary>
    /// "All" or ".*" asks for every attribute, "prefix.*" for those whose names start with "prefix.", any other exactly one.
    /// </summary>
    private static bool Matches(string pattern, string name) => pattern switch
    {
        "All" or ".*" => true,
        _ when pattern.EndsWith(".*", StringComparison.Ordinal) => name.StartsWith(pattern[..^1], StringComparison.Ordinal),
        _ => string.Equals(pattern, name, StringComparison.Ordinal),
    };

    private static JsonObject AttributeJson(SqsMessageAttribute attribute)
    {
        var json = new JsonObject { ["DataType"] = attribute.DataType };
        if (attribute.StringValue is not null) json["StringValue"] = attribute.StringValue;
        if (attribute.BinaryValue is not null) json["BinaryValue"] = attribute.BinaryValue;
        return json;
    }

    /// <summary>The entries of a batch request by Id, after the checks SQS makes of the batch as a whole.</summary>
    private static List<(string Id, JsonObject Entry)> BatchEntries(JsonObject input)
    {
        var entries = input["Entries"] switch
        {
            null => [],
            JsonArray array => array,
            _ => throw AwsJsonException.Serialization("'Entries' must be a list."),
        };
        if (entries.Count == 0) throw SqsErrors.EmptyBatchRequest();
        if (entries.Count > MaxBatchEntries) throw SqsErrors.TooManyEntriesInBatchRequest(entries.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var read = new List<(string, JsonObject)>(entries.Count);
        foreach (var node in entries)
        {
            if (node is not JsonObject entry) throw AwsJsonException.Serialization("Each batch entry must be an object.");
            var id = Required(entry, "Id");
            if (id.Length > 80 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) throw SqsErrors.InvalidBatchEntryId(id);
            if (!seen.Add(id)) throw SqsErrors.BatchEntryIdsNotDistinct(id);
            read.Add((id, entry));
        }

        return read;
    }

    private SqsQueue QueueOf(JsonObject input)
    {
        var url = Required(input, "QueueUrl");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.AbsolutePath.Trim('/').Split('/') is not [var account, var name]
            || account != registry.AccountId)
        {
            throw SqsErrors.QueueDoesNotExist();
        }

        return QueueNamed(name);
    }

    private SqsQueue QueueNamed(string name) => registry.Find(name) ?? throw SqsErrors.QueueDoesNotExist();

    private string UrlOf(SqsQueue queue) => new Uri(hostBase, $"{registry.AccountId}/{queue.Name}").AbsoluteUri;

    private static string Text(long number) => number.ToString(CultureInfo.InvariantCulture);

    private static string Required(JsonObject input, string member) =>
        Optional(input, member) ?? throw SqsErrors.MissingParameter(member);

    private static string? Optional(JsonObject input, string member) => AwsJsonMembers.OptionalString(input, member);

    private static int? OptionalInt(JsonObject input, string member) => input[member] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        _ => throw AwsJsonException.Serialization($"'{member}' must be an integer."),
    };

    private static int? InRange(JsonObject input, string member, int min, int max)
    {
        var value = OptionalInt(input, member);
        if (value is { } number && (number < min || number > max))
        {
            throw SqsErrors.InvalidParameterValue(
                $"Value {number} for parameter {member} is invalid. Reason: Must be between {min} and {max}, if provided.");
        }

        return value;
    }

    private static List<string> StringList(JsonObject input, string member) => input[member] switch
    {
        null => [],
        JsonArray array => [.. array.Select(item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw AwsJsonException.Serialization($"'{member}' must be a list of strings."))],
        _ => throw AwsJsonException.Serialization($"'{member}' must be a list of strings."),
    };

    private static Dictionary<string, string> StringMap(JsonObject input, string member)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (input[member] is null) return map;
        if (input[member] is not JsonObject values) throw AwsJsonException.Serialization($"'{member}' must be a map of strings.");
        foreach (var (name, node) in values)
        {
            map[name] = node is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>()
                : throw AwsJsonException.Serialization($"'{member}.{name}' must be a string.");
        }

        return map;
    }

    private sealed record OutgoingMessage(
        string Body, IReadOnlyDictionary<string, SqsMessageAttribute> Attributes, TimeSpan Delay, int Size);
}
