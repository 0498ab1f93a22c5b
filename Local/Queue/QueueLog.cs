using Microsoft.Extensions.Logging;

namespace Conduit.Local.Queue;

internal static partial class QueueLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "The handler failed on a batch of {Count} messages from {Queue}; "
        + "all of them return when their visibility timeout expires.")]
    public static partial void BatchHandlerFailed(ILogger logger, Exception exception, int count, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "The handler's response to a batch of {Count} messages from {Queue} "
        + "is not an SQS batch response, so the whole batch failed.")]
    public static partial void BatchResponseUnreadable(ILogger logger, Exception exception, int count, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "The handler reported the failure of item '{ItemIdentifier}', "
        + "which is no message in its batch of {Count} from {Queue}, so the whole batch failed.")]
    public static partial void BatchResponseNamedUnknownItem(ILogger logger, string? itemIdentifier, int count, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The handler reported {Failed} of {Count} messages from {Queue} as failed; "
        + "they return when their visibility timeout expires.")]
    public static partial void BatchPartlyFailed(ILogger logger, int failed, int count, string queue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} from {Queue} outlived its visibility timeout "
        + "before its batch finished and was received again, so it was not deleted.")]
    public static partial void MessageReceivedAgainBeforeDeletion(ILogger logger, string messageId, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Receiving from {Queue} failed; trying again in {Delay}.")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception, string queue, TimeSpan delay);
}
