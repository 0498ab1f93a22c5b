using Microsoft.Extensions.Logging;

namespace Conduit.Workers;

internal static partial class WorkersLog
{
    [LoggerMessage(Level = LogLevel.Error,
        Message = "Dispatching message {MessageId} (turn {RequestId}) failed on receive {ReceiveCount}; it will be redelivered")]
    public static partial void DispatchFailed(
        ILogger logger, Exception exception, string messageId, string? requestId, string? receiveCount);
}
