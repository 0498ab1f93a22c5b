using Microsoft.Extensions.Logging;

namespace Conduit.Local.StepFunctions;

internal static partial class StepFunctionsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionName} started")]
    public static partial void ExecutionStarted(ILogger logger, string executionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionName} succeeded")]
    public static partial void ExecutionSucceeded(ILogger logger, string executionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionName} ended {Status}: {Error} {Cause}")]
    public static partial void ExecutionDidNotSucceed(ILogger logger, string executionName, string status, string? error, string? cause);

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution {ExecutionName} stopped before its outcome could be recorded")]
    public static partial void ExecutionNotRecorded(ILogger logger, Exception exception, string executionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionName} was still running when the previous local host stopped; it is now ABORTED")]
    public static partial void InterruptedExecutionAborted(ILogger logger, string executionName);

    [LoggerMessage(Level = LogLevel.Error, Message = "The task invoker for {Resource} failed unexpectedly in state {StateName}; the execution fails with States.Runtime")]
    public static partial void TaskInvokerDefect(ILogger logger, Exception exception, string resource, string stateName);
}
