namespace Conduit.Local.StepFunctions;

/// <summary>
/// StartExecution's answer. <see cref="AlreadyRunning"/> is true when an execution of the same name and input was
/// already running, so the start changed nothing and returned that execution, as AWS does for a repeated request.
/// </summary>
public sealed record StartExecutionResult(string ExecutionArn, DateTimeOffset StartDate, bool AlreadyRunning);
