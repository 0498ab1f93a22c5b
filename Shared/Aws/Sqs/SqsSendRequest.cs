using System.Text.Json.Serialization;

namespace Conduit.Aws.Sqs;

/// <summary>
/// SendMessage's input. SQS's AWS JSON members are PascalCase, hence the explicit names. DelaySeconds cannot be set
/// per message on FIFO queues, which require MessageGroupId (and MessageDeduplicationId unless the queue
/// deduplicates by content).
/// </summary>
public sealed record SqsSendRequest(
    [property: JsonPropertyName("QueueUrl")] string QueueUrl,
    [property: JsonPropertyName("MessageBody")] string MessageBody,
    [property: JsonPropertyName("DelaySeconds")] int? DelaySeconds = null,
    [property: JsonPropertyName("MessageAttributes")] IReadOnlyDictionary<string, SqsMessageAttributeValue>? MessageAttributes = null,
    [property: JsonPropertyName("MessageGroupId")] string? MessageGroupId = null,
    [property: JsonPropertyName("MessageDeduplicationId")] string? MessageDeduplicationId = null);
