namespace Conduit.Aws.StepFunctions;

public sealed record StepFunctionsExecutionStart(string ExecutionArn, DateTimeOffset StartDate);
