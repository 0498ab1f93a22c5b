using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;

namespace Conduit.Aws.Sqs;

/// <summary>The turn queue on an SQS queue; SendMessage returns only once SQS has stored the message, so an ack is durable.</summary>
public sealed class SqsTurnQueue(IAmazonSQS sqs, string queueUrl) : ITurnQueue
{
    public Task EnqueueAsync(TurnRequest request, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = queueUrl,
                MessageBody = JsonSerializer.Serialize(request, CoreJsonContext.Wire.TurnRequest),
            },
            cancellationToken);
}
