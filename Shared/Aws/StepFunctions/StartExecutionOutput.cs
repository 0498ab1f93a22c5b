namespace Conduit.Aws.StepFunctions;

public sealed record StartExecutionOutput(string ExecutionArn, double StartDate);
