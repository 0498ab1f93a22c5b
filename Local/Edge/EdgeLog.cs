using Microsoft.Extensions.Logging;

namespace Conduit.Local.Edge;

internal static partial class EdgeLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "AWS edge: {Target} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string target);
}
