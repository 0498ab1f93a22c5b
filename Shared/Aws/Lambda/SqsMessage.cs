using System.Text.Json.Serialization;

namespace Conduit.Aws.Lambda;

public sealed record SqsMessage
{
    public required string MessageId { get; init; }
    public required string ReceiptHandle { get; init; }
    public required string Body { get; init; }

    /// <summary>
    /// System attributes; every value is a string, counts and epoch-millisecond timestamps included. Missing or null
    /// reads as none (the serializer sets every init-only property, so an initializer alone would leave null).
    /// </summary>
    public IReadOnlyDictionary<string, string> Attributes
    {
        get => _attributes;
        init => _attributes = value ?? new Dictionary<string, string>();
    }

    public IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes
    {
        get => _messageAttributes;
        init => _messageAttributes = value ?? new Dictionary<string, SqsMessageAttribute>();
    }

    public string? Md5OfBody { get; init; }
    public string? EventSource { get; init; }

    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; init; }

    public string? AwsRegion { get; init; }

    private readonly IReadOnlyDictionary<string, string> _attributes = new Dictionary<string, string>();
    private readonly IReadOnlyDictionary<string, SqsMessageAttribute> _messageAttributes = new Dictionary<string, SqsMessageAttribute>();
}
