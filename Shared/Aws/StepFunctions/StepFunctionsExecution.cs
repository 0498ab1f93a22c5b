namespace Conduit.Aws.StepFunctions;

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
