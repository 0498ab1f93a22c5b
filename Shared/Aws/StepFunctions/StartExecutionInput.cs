namespace Conduit.Aws.StepFunctions;

public sealed record StartExecutionInput(string StateMachineArn, string? Name, string Input, string? TraceHeader);
