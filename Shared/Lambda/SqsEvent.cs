using System.Text.Json.Serialization;

namespace Conduit.Shared.Lambda;

/// <summary>The event Lambda's SQS event source mapping delivers: a batch of up to BatchSize messages.</summary>
public sealed record SqsEvent([property: JsonPropertyName("Records")] IReadOnlyList<SqsMessage> Records);

public sealed record SqsMessage
{
    public required string MessageId { get; init; }
    public required string ReceiptHandle { get; init; }
    public required string Body { get; init; }

    /// <summary>System attributes; every value is a string, counts and epoch-millisecond timestamps included.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes { get; init; } = new Dictionary<string, SqsMessageAttribute>();
    public string? Md5OfBody { get; init; }
    public string EventSource { get; init; } = "aws:sqs";

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    public string? AwsRegion { get; init; }
}

/// <summary>A message attribute as the Lambda event spells it (camelCase, unlike the SendMessage API).</summary>
public sealed record SqsMessageAttribute
{
    public string? StringValue { get; init; }
    public string? BinaryValue { get; init; }
    public IReadOnlyList<string> StringListValues { get; init; } = [];
    public IReadOnlyList<string> BinaryListValues { get; init; } = [];
    public required string DataType { get; init; }
}

/// <summary>
/// The partial batch response; honoured when the mapping has ReportBatchItemFailures. Absent or null failures
/// mean the whole batch succeeded, as Lambda reads it.
/// </summary>
public sealed record SqsBatchResponse(IReadOnlyList<SqsBatchItemFailure>? BatchItemFailures = null);

public sealed record SqsBatchItemFailure(string ItemIdentifier);

/// <summary>Names of the system attributes Conduit reads or emulates.</summary>
public static class SqsAttributeNames
{
    public const string ApproximateReceiveCount = "ApproximateReceiveCount";
    public const string SentTimestamp = "SentTimestamp";
    public const string SenderId = "SenderId";
    public const string ApproximateFirstReceiveTimestamp = "ApproximateFirstReceiveTimestamp";
}
