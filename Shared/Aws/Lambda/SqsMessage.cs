using System.Text.Json.Serialization;

namespace Conduit.Aws.Lambda;

public sealed record SqsMessage
{
    public required string MessageId { get; init; }
    public required string ReceiptHandle { get; init; }
    public required string Body { get; init; }

    /// <summary>System attributes; every value is a string, counts and epoch-millisecond timestamps included.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes { get; init; } =
        new Dictionary<string, SqsMessageAttribute>();
    public string? Md5OfBody { get; init; }
    public string EventSource { get; init; } = "aws:sqs";

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    public string? AwsRegion { get; init; }
}
