using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Workers;

/// <summary>
/// SQS-triggered: starts one workflow execution per turn and reports the records that failed, so only those are
/// redelivered (the event source mapping has ReportBatchItemFailures).
/// </summary>
public sealed class DispatcherFunction(TurnDispatcher dispatcher, FunctionTelemetry telemetry) : ILambdaFunction
{
    private readonly ILogger _logger = telemetry.Loggers.CreateLogger<DispatcherFunction>();

    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public DispatcherFunction()
        : this(LambdaServices.Get<TurnDispatcher>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }

    public async Task<Stream> Handle(Stream input)
    {
        var batch = await LambdaJson.ReadAsync(input, AwsJsonContext.Wire.SqsEvent).ConfigureAwait(false);
        var failures = new List<SqsBatchItemFailure>();
        foreach (var record in batch.Records)
        {
            if (!await DispatchAsync(record).ConfigureAwait(false)) failures.Add(new SqsBatchItemFailure(record.MessageId));
        }
        return await LambdaJson.WriteAsync(new SqsBatchResponse(failures), AwsJsonContext.Wire.SqsBatchResponse).ConfigureAwait(false);
    }

    private async Task<bool> DispatchAsync(SqsMessage record)
    {
        TurnRequest? request = null;
        try
        {
            request = JsonSerializer.Deserialize(record.Body, CoreJsonContext.Wire.TurnRequest)
                ?? throw new InvalidDataException("The message body was null.");
            var turn = new TurnReference(request.RequestId, request.SessionId, request.ConnectionId);
            using var invocation = telemetry.Begin(ConduitFunctions.Dispatcher.Name, turn, "queued");
            await dispatcher.DispatchAsync(request, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception)
        {
            var receiveCount = record.Attributes.GetValueOrDefault(SqsAttributeNames.ApproximateReceiveCount);
            WorkersLog.DispatchFailed(_logger, exception, record.MessageId, request?.RequestId, receiveCount);
            return false;
        }
    }
}
