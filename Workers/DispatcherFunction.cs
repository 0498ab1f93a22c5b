using System.Text.Json;
using Conduit.Shared.Chat;
using Conduit.Shared.Contracts;
using Conduit.Shared.Lambda;
using Conduit.Shared.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Workers;

/// <summary>
/// SQS-triggered: starts one workflow execution per turn and reports the records that failed, so only those are
/// redelivered (the event source mapping has ReportBatchItemFailures).
/// </summary>
public sealed class DispatcherFunction(TurnDispatcher dispatcher, ILogger<DispatcherFunction> logger)
{
    public async Task<Stream> Handle(Stream input)
    {
        var batch = await JsonSerializer.DeserializeAsync(input, SharedJsonContext.Wire.SqsEvent).ConfigureAwait(false)
            ?? throw new InvalidDataException("The SQS event was null.");
        var failures = new List<SqsBatchItemFailure>();
        foreach (var record in batch.Records)
        {
            try
            {
                var request = JsonSerializer.Deserialize(record.Body, SharedJsonContext.Wire.TurnRequest)
                    ?? throw new InvalidDataException("The message body was null.");
                await dispatcher.DispatchAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "Dispatching message {MessageId} failed (receive count {ReceiveCount})",
                    record.MessageId, record.Attributes.GetValueOrDefault(SqsAttributeNames.ApproximateReceiveCount));
                failures.Add(new SqsBatchItemFailure(record.MessageId));
            }
        }
        var output = new MemoryStream();
        await JsonSerializer.SerializeAsync(output, new SqsBatchResponse(failures), SharedJsonContext.Wire.SqsBatchResponse).ConfigureAwait(false);
        output.Position = 0;
        return output;
    }
}
