using Microsoft.Extensions.Logging;

namespace Conduit.Aws.Lambda;

public static partial class LambdaLog
{
    [LoggerMessage(Level = LogLevel.Error,
        Message = "{Function} could not read its {Source} event: {Problem}; it was answered as AWS expects and not processed")]
    public static partial void MalformedEvent(ILogger logger, string function, string source, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} stopped at its deadline before Lambda's timeout")]
    public static partial void DeadlineReached(ILogger logger, string function);
}
