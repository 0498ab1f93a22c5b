namespace Conduit.Local.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(
        Level = LogLevel.Information, Message = "Executions interrupted by the last stop of the host, if any, are running again")]
    public static partial void InterruptedExecutionsResumed(ILogger logger);
}
