namespace Conduit.Core.Ports;

public sealed record WorkflowStart(WorkflowStartStatus Status, string? ExecutionId);
