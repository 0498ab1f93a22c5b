namespace Conduit.Local.StepFunctions;

/// <summary>The predefined Step Functions error names the interpreter raises or matches on.</summary>
public static class StatesErrors
{
    public const string All = "States.ALL";
    public const string Runtime = "States.Runtime";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
    public const string Timeout = "States.Timeout";
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";
    public const string TaskFailed = "States.TaskFailed";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    public const string IntrinsicFailure = "States.IntrinsicFailure";

    /// <summary>
    /// Errors that end the execution whatever the Retry and Catch fields say: AWS never retries or catches them,
    /// because they mean the definition and the data do not fit together, which a retry cannot change.
    /// </summary>
    public static bool IsTerminal(string error) => error is Runtime or DataLimitExceeded;

    /// <summary>Whether a retrier's or catcher's <c>ErrorEquals</c> list matches <paramref name="error"/>.</summary>
    internal static bool AnyMatches(IReadOnlyList<string> errorEquals, string error) =>
        !IsTerminal(error) && errorEquals.Any(name => Matches(name, error));

    private static bool Matches(string name, string error) => name switch
    {
        All => true,
        TaskFailed => error != Timeout,
        _ => name == error,
    };
}
