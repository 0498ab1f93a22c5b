namespace Conduit.Aws.StepFunctions;

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
