using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>How an execution ended; <see cref="Output"/> is JSON text.</summary>
internal sealed record ExecutionOutcome(ExecutionStatus Status, string? Output, string? Error, string? Cause)
{
    public static ExecutionOutcome Succeeded(string output) => new(ExecutionStatus.Succeeded, output, null, null);

    public static ExecutionOutcome Failed(string? error, string? cause) => new(ExecutionStatus.Failed, null, error, cause);

    public static ExecutionOutcome TimedOut(string cause) => new(ExecutionStatus.TimedOut, null, StatesErrors.Timeout, cause);

    public string ClosingEventType => Status switch
    {
        ExecutionStatus.Succeeded => HistoryEventTypes.ExecutionSucceeded,
        ExecutionStatus.Failed => HistoryEventTypes.ExecutionFailed,
        ExecutionStatus.TimedOut => HistoryEventTypes.ExecutionTimedOut,
        ExecutionStatus.Aborted => HistoryEventTypes.ExecutionAborted,
        _ => throw new InvalidOperationException("A running execution has no closing event."),
    };

    public JsonObject ClosingEventDetails()
    {
        var details = new JsonObject();
        if (Output is not null) details["output"] = Output;
        if (Error is not null) details["error"] = Error;
        if (Cause is not null) details["cause"] = Cause;
        return details;
    }
}
