using System.Text.Json;
using Conduit.Shared.Aws;
using Conduit.Shared.Chat;
using Conduit.Shared.Contracts;
using Conduit.Shared.Lambda;
using Conduit.Shared.Observability;
using Conduit.Shared.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Workers;

/// <summary>
/// SQS-triggered: starts one workflow execution per turn and reports the records that failed, so only those are
/// redelivered (the event source mapping has ReportBatchItemFailures).
/// </summary>
public sealed class DispatcherFunction(TurnDispatcher dispatcher, FunctionTelemetry telemetry)
{
    private readonly ILogger _logger = telemetry.Loggers.CreateLogger<DispatcherFunction>();

    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public DispatcherFunction()
        : this(AwsComposition.Current.Dispatcher(), AwsComposition.Current.Telemetry)
    {
    }

    public async Task<Stream> Handle(Stream input)
    {
        var batch = await LambdaJson.ReadAsync(input, SharedJsonContext.Wire.SqsEvent).ConfigureAwait(false);
        var failures = new List<SqsBatchItemFailure>();
        foreach (var record in batch.Records)
        {
            if (!await DispatchAsync(record).ConfigureAwait(false)) failures.Add(new SqsBatchItemFailure(record.MessageId));
        }
        return await LambdaJson.WriteAsync(new SqsBatchResponse(failures), SharedJsonContext.Wire.SqsBatchResponse).ConfigureAwait(false);
    }

    private async Task<bool> DispatchAsync(SqsMessage record)
    {
        TurnRequest? request = null;
        try
        {
            request = JsonSerializer.Deserialize(record.Body, SharedJsonContext.Wire.TurnRequest)
                ?? throw new InvalidDataException("The message body was null.");
            using var invocation = telemetry.Begin("Dispatcher", new TurnReference(request.RequestId, request.SessionId, request.ConnectionId), "queued");
            await dispatcher.DispatchAsync(request, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception)
        {
            _logger.LogError(exception, "Dispatching message {MessageId} (turn {RequestId}) failed on receive {ReceiveCount}; it will be redelivered",
                record.MessageId, request?.RequestId, record.Attributes.GetValueOrDefault(SqsAttributeNames.ApproximateReceiveCount));
            return false;
        }
    }
}
