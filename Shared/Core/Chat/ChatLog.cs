using Conduit.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

internal static partial class ChatLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} refused: origin {Origin} is not allowed")]
    public static partial void ConnectionRefusedForOrigin(ILogger logger, string connectionId, string origin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} refused: {Reason}")]
    public static partial void ConnectionRefusedUnauthenticated(ILogger logger, string connectionId, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} refused: user {UserId} has {Limit} connections open")]
    public static partial void ConnectionRefusedAtLimit(ILogger logger, string connectionId, string userId, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} could not be checked; it counts as open")]
    public static partial void ConnectionCheckFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {ConnectionId} was gone; its record was removed")]
    public static partial void GoneConnectionRemoved(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Route {RouteKey} failed for connection {ConnectionId}")]
    public static partial void RouteFailed(ILogger logger, Exception exception, string routeKey, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enqueueing turn {RequestId} failed")]
    public static partial void EnqueueFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Posting up to seq {Seq} to {ConnectionId} failed; the connection is closed, and a resume replays the frames")]
    public static partial void PostFailed(ILogger logger, Exception? exception, long seq, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Frame {Seq} ({Bytes} bytes) was refused as too large by {ConnectionId}; an error frame stands in for it")]
    public static partial void FrameReplaced(ILogger logger, long seq, int bytes, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Closing {ConnectionId} after a failed post failed too; the next delivery tries the frame again")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Connection {ConnectionId} is gone; it no longer receives frames, which stay persisted for a resume")]
    public static partial void ConnectionGone(ILogger logger, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turn {RequestId} is already {Status}; nothing to dispatch")]
    public static partial void TurnAlreadyFinished(ILogger logger, string requestId, TurnStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turn {RequestId} waits for the turn before it in session {SessionId}")]
    public static partial void TurnWaitsForSession(ILogger logger, string requestId, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turn {RequestId} dispatched ({Status}) as {ExecutionId}")]
    public static partial void TurnDispatched(ILogger logger, string requestId, WorkflowStartStatus status, string? executionId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Turn {RequestId} attempt {Attempt} failed with {ErrorName}, told the client {Code}: {Cause}")]
    public static partial void TurnFailed(ILogger logger, string requestId, int attempt, string code, string errorName, string? cause);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Turn {RequestId} attempt {Attempt} is already running in another execution; this one stops before the model")]
    public static partial void DuplicateRunStopped(ILogger logger, string requestId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Turn {RequestId} failed with {Code} and runs again as attempt {Attempt}")]
    public static partial void TurnRetried(ILogger logger, string requestId, string? code, int attempt);
}
