namespace Conduit.Local.StepFunctions;

/// <summary>The history event types the interpreter records.</summary>
public static class HistoryEventTypes
{
    public const string ExecutionStarted = "ExecutionStarted";
    public const string ExecutionSucceeded = "ExecutionSucceeded";
    public const string ExecutionFailed = "ExecutionFailed";
    public const string ExecutionTimedOut = "ExecutionTimedOut";
    public const string ExecutionAborted = "ExecutionAborted";
    public const string ExecutionRedriven = "ExecutionRedriven";
    public const string TaskScheduled = "TaskScheduled";
    public const string TaskStarted = "TaskStarted";
    public const string TaskSubmitted = "TaskSubmitted";
    public const string TaskSucceeded = "TaskSucceeded";
    public const string TaskFailed = "TaskFailed";
    public const string TaskTimedOut = "TaskTimedOut";

    internal const string StateEnteredSuffix = "StateEntered";
    internal const string StateExitedSuffix = "StateExited";

    /// <summary><c>TaskStateEntered</c>, <c>ChoiceStateEntered</c>, ... for a state of ASL type <paramref name="stateType"/>.</summary>
    public static string StateEntered(string stateType) => stateType + StateEnteredSuffix;

    public static string StateExited(string stateType) => stateType + StateExitedSuffix;
}
