using System.Text.Json;
using Conduit.Shared.Contracts;
using Conduit.Shared.Ports;
using Conduit.Shared.Serialization;

namespace Conduit.Shared.Aws.Sqs;

/// <summary>The turn queue on an SQS queue; SendMessage returns only once SQS has stored the message, so an ack is durable.</summary>
public sealed class SqsTurnQueue(SqsClient sqs, string queueUrl) : ITurnQueue
{
    public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(
            new SqsSendRequest(queueUrl, JsonSerializer.Serialize(request, SharedJsonContext.Wire.TurnRequest)),
            cancellationToken);
}
