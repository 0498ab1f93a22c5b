namespace Conduit.Shared.Aws.StepFunctions;

public sealed record StepFunctionsExecutionStart(string ExecutionArn, DateTimeOffset StartDate);

/// <summary>
/// DescribeExecution's answer. <see cref="Status"/> is the service's value as sent (RUNNING, SUCCEEDED, FAILED,
/// TIMED_OUT, ABORTED, PENDING_REDRIVE, …), kept as a string because the set grows. Output is set on success only.
/// </summary>
public sealed record StepFunctionsExecution(
    string ExecutionArn,
    string StateMachineArn,
    string? Name,
    string Status,
    DateTimeOffset StartDate,
    DateTimeOffset? StopDate,
    string? Input,
    string? Output,
    string? Error,
    string? Cause);

public sealed record StartExecutionInput(string StateMachineArn, string? Name, string Input, string? TraceHeader);

public sealed record StartExecutionOutput(string ExecutionArn, double StartDate);

public sealed record StopExecutionInput(string ExecutionArn, string? Error, string? Cause);

public sealed record StopExecutionOutput(double StopDate);

public sealed record DescribeExecutionInput(string ExecutionArn);

public sealed record DescribeExecutionOutput(
    string ExecutionArn,
    string StateMachineArn,
    string Status,
    double StartDate,
    string? Name = null,
    double? StopDate = null,
    string? Input = null,
    string? Output = null,
    string? Error = null,
    string? Cause = null);
