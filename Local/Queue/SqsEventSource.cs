using System.Globalization;
using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Local.Lambda;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.Queue;

/// <summary>
/// Lambda's SQS event source mapping with ReportBatchItemFailures: receives batches from the queue, invokes the handler
/// with the same event JSON Lambda sends, and deletes what the handler's response says succeeded. A failed message is
/// left alone to come back when its visibility timeout expires, which is also how it reaches the dead-letter queue.
/// </summary>
public sealed class SqsEventSource(
    DurableQueue queue,
    LambdaHandler handler,
    QueueOptions options,
    ILogger<SqsEventSource> logger,
    TimeProvider? time = null) : BackgroundService
{
    /// <summary>How long a receive the queue's store refused (a full disk) waits before trying again.</summary>
    public static readonly TimeSpan ReceiveRetryDelay = TimeSpan.FromSeconds(1);

    private const string SenderId = "local";

    private static readonly IReadOnlySet<string> NoMessages = new HashSet<string>();

    /// <summary>Raised on a worker thread after each batch's deletes; a subscriber that throws stops the event source.</summary>
    public event EventHandler<SqsBatchOutcome>? BatchCompleted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>(options.MaxConcurrentBatches);
        try
        {
            while (true)
            {
                inFlight.RemoveAll(batch => batch.IsCompleted);

                // Receiving only with a free slot keeps messages visible to the queue, rather than hidden and waiting here.
                if (inFlight.Count == options.MaxConcurrentBatches)
                {
                    await Task.WhenAny(inFlight).ConfigureAwait(false);
                    continue;
                }

                await queue.WaitForVisibleAsync(stoppingToken).ConfigureAwait(false);
                IReadOnlyList<QueueMessage> messages;
                try
                {
                    messages = await queue.ReceiveAsync(options.BatchSize, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A receive is one transaction, rolled back whole; stopping here would strand every message until a restart.
                    QueueLog.ReceiveFailed(logger, exception, options.Name, ReceiveRetryDelay);
                    await Task.Delay(ReceiveRetryDelay, time ?? TimeProvider.System, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                if (messages.Count > 0) inFlight.Add(Task.Run(() => ProcessBatchAsync(messages), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // A handler cannot be cancelled, so shutdown lets running batches finish and delete what they completed.
            await Task.WhenAll(inFlight).ConfigureAwait(false);
        }
    }

    private async Task ProcessBatchAsync(IReadOnlyList<QueueMessage> messages)
    {
        var failed = await InvokeHandlerAsync(messages).ConfigureAwait(false);
        var deleted = new List<string>(messages.Count);
        foreach (var message in messages)
        {
            if (failed.Contains(message.MessageId)) continue;
            if (await queue.DeleteAsync(message.ReceiptHandle).ConfigureAwait(false)) deleted.Add(message.MessageId);
            else QueueLog.MessageReceivedAgainBeforeDeletion(logger, message.MessageId, options.Name);
        }

        BatchCompleted?.Invoke(this, new SqsBatchOutcome([.. messages.Select(message => message.MessageId)], deleted));
    }

    /// <summary>Invokes the handler and returns the ids of the messages that failed; every id when the whole batch did.</summary>
    private async Task<IReadOnlySet<string>> InvokeHandlerAsync(IReadOnlyList<QueueMessage> messages)
    {
        var batch = messages.Select(message => message.MessageId).ToHashSet(StringComparer.Ordinal);
        byte[] response;
        try
        {
            using var input = new MemoryStream(
                JsonSerializer.SerializeToUtf8Bytes(ToEvent(messages), AwsJsonContext.Wire.SqsEvent),
                writable: false);
            response = await ReadToEndAsync(await handler(input).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            QueueLog.BatchHandlerFailed(logger, exception, messages.Count, options.Name);
            return batch;
        }

        return FailedMessages(response, batch);
    }

    /// <summary>Reads the response as Lambda does; anything it would not accept fails the whole batch.</summary>
    private IReadOnlySet<string> FailedMessages(byte[] response, HashSet<string> batch)
    {
        if (response.Length == 0) return NoMessages;

        SqsBatchResponse? batchResponse;
        try
        {
            batchResponse = JsonSerializer.Deserialize(response, AwsJsonContext.Wire.SqsBatchResponse);
        }
        catch (JsonException exception)
        {
            QueueLog.BatchResponseUnreadable(logger, exception, batch.Count, options.Name);
            return batch;
        }

        if (batchResponse?.BatchItemFailures is not { Count: > 0 } failures) return NoMessages;

        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var failure in failures)
        {
            var itemIdentifier = failure?.ItemIdentifier;
            if (string.IsNullOrEmpty(itemIdentifier) || !batch.Contains(itemIdentifier))
            {
                QueueLog.BatchResponseNamedUnknownItem(logger, itemIdentifier, batch.Count, options.Name);
                return batch;
            }

            failed.Add(itemIdentifier);
        }

        QueueLog.BatchPartlyFailed(logger, failed.Count, batch.Count, options.Name);
        return failed;
    }

    private SqsEvent ToEvent(IReadOnlyList<QueueMessage> messages) => new([.. messages.Select(ToRecord)]);

    private SqsMessage ToRecord(QueueMessage message) => new()
    {
        MessageId = message.MessageId,
        ReceiptHandle = message.ReceiptHandle,
        Body = message.Body,
        Attributes = new Dictionary<string, string>
        {
            [SqsAttributeNames.ApproximateReceiveCount] = message.ApproximateReceiveCount.ToString(CultureInfo.InvariantCulture),
            [SqsAttributeNames.SentTimestamp] = EpochMilliseconds(message.SentTimestamp),
            [SqsAttributeNames.SenderId] = SenderId,
            [SqsAttributeNames.ApproximateFirstReceiveTimestamp] = EpochMilliseconds(message.ApproximateFirstReceiveTimestamp),
        },
        MessageAttributes = message.MessageAttributes,
        Md5OfBody = SqsDigests.OfBody(message.Body),
        EventSource = "aws:sqs",
        EventSourceArn = options.QueueArn,
        AwsRegion = options.Region,
    };

    private static string EpochMilliseconds(DateTimeOffset instant) =>
        instant.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the handler's output and disposes of it; a handler that returned no stream answered nothing.</summary>
    private static async Task<byte[]> ReadToEndAsync(Stream? output)
    {
        if (output is null) return [];
        await using (output.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await output.CopyToAsync(buffer).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
