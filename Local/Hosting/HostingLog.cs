namespace Conduit.Local.Hosting;

internal static partial class HostingLog
{
    [LoggerMessage(
        Level = LogLevel.Information, Message = "Executions interrupted by the last stop of the host, if any, are running again")]
    public static partial void InterruptedExecutionsResumed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store is full ({Reason}); {What} waits until it can write again")]
    public static partial void WaitingForSpace(ILogger logger, string what, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The store can write again; {What} carries on")]
    public static partial void SpaceReturned(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: {Line}")]
    public static partial void FunctionOutput(ILogger logger, string function, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function}: {Line}")]
    public static partial void FunctionDiagnostic(ILogger logger, string function, string line);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Message}")]
    public static partial void FunctionsStarting(ILogger logger, string message);
}
