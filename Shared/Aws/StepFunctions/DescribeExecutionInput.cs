namespace Conduit.Aws.StepFunctions;

public sealed record DescribeExecutionInput(string ExecutionArn);
