using Conduit.Aws.Lambda;

namespace Conduit.Local.Queue;

/// <summary>A message as its latest receive delivered it.</summary>
/// <param name="ReceiptHandle">
/// Issued by that receive and the only handle that can delete the message or change its visibility; a dead letter
/// keeps the handle of its last delivery, which no longer works.
/// </param>
public sealed record QueueMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    IReadOnlyDictionary<string, SqsMessageAttribute> MessageAttributes,
    DateTimeOffset SentTimestamp,
    int ApproximateReceiveCount,
    DateTimeOffset ApproximateFirstReceiveTimestamp);
