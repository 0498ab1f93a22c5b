using System.Text.Json.Serialization;

namespace Conduit.Aws.Lambda;

/// <summary>The event Lambda's SQS event source mapping delivers: a batch of up to BatchSize messages.</summary>
public sealed record SqsEvent([property: JsonPropertyName("Records")] IReadOnlyList<SqsMessage> Records);
