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
public sealed class DispatcherFunction(TurnDispatcher dispatcher, FunctionTelemetry telemetry) : LambdaFunction
{
    private readonly ILogger _logger = telemetry.Loggers.CreateLogger<DispatcherFunction>();

    /// <summary>Lambda constructs the handler once per execution environment, through this constructor.</summary>
    public DispatcherFunction()
        : this(LambdaServices.Get<TurnDispatcher>(), LambdaServices.Get<FunctionTelemetry>())
    {
    }

    /// <summary>
    /// Records that cannot be dispatched, or are not reached before the deadline, are reported as batch item failures
    /// and redelivered. An envelope that is not an SQS event fails the records whose ids can still be read from it, or
    /// the whole batch (an empty itemIdentifier) when none can: nothing is lost by reading it as success.
    /// </summary>
    public override async Task<Stream> HandleAsync(Stream input, CancellationToken cancellationToken)
    {
        // Both runtimes hand over a seekable stream; only another caller's event is copied, so it can be read twice.
        var readable = input.CanSeek ? input : await CopyAsync(input, cancellationToken).ConfigureAwait(false);
        var start = readable.Position;
        SqsEvent batch;
        try
        {
            batch = await LambdaJson.ReadEventAsync(readable, AwsJsonContext.Wire.SqsEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (MalformedEventException exception)
        {
            LambdaLog.MalformedEvent(_logger, ConduitFunctions.Dispatcher.Name, "SQS", exception.Message);
            readable.Position = start;
            return await RespondAsync(MessageIdsIn(readable) is { Count: > 0 } ids
                ? [.. ids.Select(id => new SqsBatchItemFailure(id))]
                : [new SqsBatchItemFailure("")]).ConfigureAwait(false);
        }
        var failures = new List<SqsBatchItemFailure>();
        foreach (var record in batch.Records)
        {
            if (!await DispatchAsync(record, cancellationToken).ConfigureAwait(false))
                failures.Add(new SqsBatchItemFailure(record.MessageId));
        }
        return await RespondAsync(failures).ConfigureAwait(false);
    }

    private static async Task<Stream> CopyAsync(Stream input, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        await input.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        return copy;
    }

    private static Task<Stream> RespondAsync(IReadOnlyList<SqsBatchItemFailure> failures) =>
        LambdaJson.WriteAsync(new SqsBatchResponse(failures), AwsJsonContext.Wire.SqsBatchResponse);

    /// <summary>The messageIds an unreadable event still shows, so only its records are redelivered.</summary>
    private static List<string> MessageIdsIn(Stream json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array
                    ? [.. records.EnumerateArray()
                        .Select(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("messageId", out var id)
                            && id.ValueKind == JsonValueKind.String ? id.GetString()! : "")
                        .Where(id => id.Length > 0)]
                    : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private async Task<bool> DispatchAsync(SqsMessage record, CancellationToken cancellationToken)
    {
        TurnRequest? request = null;
        try
        {
            request = JsonSerializer.Deserialize(record.Body, CoreJsonContext.Wire.TurnRequest)
                ?? throw new InvalidDataException("The message body was null.");
            var turn = new TurnReference(request.UserId, request.RequestId, request.SessionId, request.ConnectionId);
            using var invocation = telemetry.Begin(ConduitFunctions.Dispatcher.Name, turn, "queued");
            await dispatcher.DispatchAsync(request, cancellationToken).ConfigureAwait(false);
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
