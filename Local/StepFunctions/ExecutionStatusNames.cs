namespace Conduit.Local.StepFunctions;

/// <summary>The status names the Step Functions API uses (<c>RUNNING</c>, <c>TIMED_OUT</c>, ...).</summary>
public static class ExecutionStatusNames
{
    public static string ToApiName(this ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "RUNNING",
        ExecutionStatus.Succeeded => "SUCCEEDED",
        ExecutionStatus.Failed => "FAILED",
        ExecutionStatus.TimedOut => "TIMED_OUT",
        ExecutionStatus.Aborted => "ABORTED",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown execution status."),
    };

    public static ExecutionStatus Parse(string apiName) => apiName switch
    {
        "RUNNING" => ExecutionStatus.Running,
        "SUCCEEDED" => ExecutionStatus.Succeeded,
        "FAILED" => ExecutionStatus.Failed,
        "TIMED_OUT" => ExecutionStatus.TimedOut,
        "ABORTED" => ExecutionStatus.Aborted,
        _ => throw new FormatException($"\"{apiName}\" is not an execution status."),
    };
}
