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

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionName} stopped with the emulator; "
        + "it stays RUNNING and resumes when the host next starts")]
    public static partial void ExecutionSuspended(ILogger logger, string executionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {ExecutionName} was still running when the previous local host stopped; "
        + "it resumes at state {StateName} (redrive {RedriveCount})")]
    public static partial void InterruptedExecutionResumed(ILogger logger, string executionName, string stateName, int redriveCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "Execution {ExecutionName} was still running when the previous local host stopped "
        + "and cannot be resumed; it stays RUNNING")]
    public static partial void InterruptedExecutionNotResumed(ILogger logger, Exception exception, string executionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Execution {ExecutionName} redriven through the API (redrive {RedriveCount})")]
    public static partial void ExecutionRedriven(ILogger logger, string executionName, int redriveCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "The task invoker for {Resource} failed unexpectedly in state {StateName}; "
        + "the execution fails with States.Runtime")]
    public static partial void TaskInvokerDefect(ILogger logger, Exception exception, string resource, string stateName);

    [LoggerMessage(Level = LogLevel.Error, Message = "State machine {Name} was created earlier but its definition no longer loads; "
        + "it is not served until it is created again")]
    public static partial void StoredStateMachineNotLoaded(ILogger logger, Exception exception, string name);
}
