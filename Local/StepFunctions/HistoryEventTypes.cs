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
    public const string LambdaFunctionScheduled = "LambdaFunctionScheduled";
    public const string LambdaFunctionStarted = "LambdaFunctionStarted";
    public const string LambdaFunctionSucceeded = "LambdaFunctionSucceeded";
    public const string LambdaFunctionFailed = "LambdaFunctionFailed";
    public const string LambdaFunctionTimedOut = "LambdaFunctionTimedOut";
    public const string ParallelStateStarted = "ParallelStateStarted";
    public const string ParallelStateSucceeded = "ParallelStateSucceeded";
    public const string ParallelStateFailed = "ParallelStateFailed";
    public const string ParallelStateAborted = "ParallelStateAborted";
    public const string MapStateStarted = "MapStateStarted";
    public const string MapStateSucceeded = "MapStateSucceeded";
    public const string MapStateFailed = "MapStateFailed";
    public const string MapStateAborted = "MapStateAborted";
    public const string MapIterationStarted = "MapIterationStarted";
    public const string MapIterationSucceeded = "MapIterationSucceeded";
    public const string MapIterationFailed = "MapIterationFailed";
    public const string MapIterationAborted = "MapIterationAborted";

    internal const string StateEnteredSuffix = "StateEntered";
    internal const string StateExitedSuffix = "StateExited";

    /// <summary><c>TaskStateEntered</c>, <c>ChoiceStateEntered</c>, ... for a state of ASL type <paramref name="stateType"/>.</summary>
    public static string StateEntered(string stateType) => stateType + StateEnteredSuffix;

    public static string StateExited(string stateType) => stateType + StateExitedSuffix;

    /// <summary>Whether the event starts the branches of a Parallel or Map state, after which events belong to those branches.</summary>
    internal static bool OpensBranches(string type) => type is ParallelStateStarted or MapStateStarted;

    /// <summary>Whether the event ends a Parallel or Map state's branches, one way or another.</summary>
    internal static bool ClosesBranches(string type) =>
        type is ParallelStateSucceeded or ParallelStateFailed or ParallelStateAborted
            or MapStateSucceeded or MapStateFailed or MapStateAborted;
}
