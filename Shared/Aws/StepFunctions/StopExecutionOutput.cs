namespace Conduit.Aws.StepFunctions;

public sealed record StopExecutionOutput(double StopDate);
