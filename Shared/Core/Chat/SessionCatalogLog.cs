using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

internal static partial class SessionCatalogLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} was deleted by its owner {UserId}")]
    public static partial void SessionDeleted(ILogger logger, string sessionId, string userId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Telling {ConnectionId} of a changed conversation list failed; it reads the list again on reconnect")]
    public static partial void NoticeFailed(ILogger logger, Exception exception, string connectionId);
}
