namespace Conduit.Local.StepFunctions;

/// <summary>
/// How an <see cref="ITaskInvoker"/> reports that the task failed. <see cref="Error"/> is what Retry and Catch match
/// on; <see cref="Cause"/> is free text (Lambda puts a JSON error report there).
/// </summary>
public sealed class TaskFailedException(string error, string? cause) : Exception(cause is null ? error : $"{error}: {cause}")
{
    public string Error { get; } = error;

    public string? Cause { get; } = cause;
}
