using System.Text.Json.Serialization;

namespace Conduit.Aws.Sqs;

/// <summary>SendMessage's output; SequenceNumber is set by FIFO queues only.</summary>
public sealed record SqsSendResult(
    [property: JsonPropertyName("MessageId")] string MessageId,
    [property: JsonPropertyName("MD5OfMessageBody")] string MD5OfMessageBody,
    [property: JsonPropertyName("SequenceNumber")] string? SequenceNumber = null);
