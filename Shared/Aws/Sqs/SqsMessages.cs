using System.Text.Json.Serialization;

namespace Conduit.Shared.Aws.Sqs;

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

/// <summary>A message attribute as SendMessage takes it (PascalCase, unlike the camelCase of the Lambda event).</summary>
public sealed record SqsMessageAttributeValue(
    [property: JsonPropertyName("DataType")] string DataType,
    [property: JsonPropertyName("StringValue")] string? StringValue = null,
    [property: JsonPropertyName("BinaryValue")] byte[]? BinaryValue = null)
{
    public static SqsMessageAttributeValue String(string value) => new("String", StringValue: value);

    /// <summary>SQS carries numbers as strings, so the caller's formatting is what arrives.</summary>
    public static SqsMessageAttributeValue Number(string value) => new("Number", StringValue: value);

    public static SqsMessageAttributeValue Binary(byte[] value) => new("Binary", BinaryValue: value);
}

/// <summary>SendMessage's output; SequenceNumber is set by FIFO queues only.</summary>
public sealed record SqsSendResult(
    [property: JsonPropertyName("MessageId")] string MessageId,
    [property: JsonPropertyName("MD5OfMessageBody")] string MD5OfMessageBody,
    [property: JsonPropertyName("SequenceNumber")] string? SequenceNumber = null);
