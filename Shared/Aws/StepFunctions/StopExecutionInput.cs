namespace Conduit.Aws.StepFunctions;

public sealed record StopExecutionInput(string ExecutionArn, string? Error, string? Cause);
