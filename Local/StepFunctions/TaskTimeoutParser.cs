namespace Conduit.Local.StepFunctions;

/// <summary>
/// A Task state's TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds and HeartbeatSecondsPath, checked as AWS checks
/// them at create: each value and its path exclude each other, and a fixed heartbeat must be shorter than a fixed timeout.
/// </summary>
internal static class TaskTimeoutParser
{
    public const int LongestSeconds = 99_999_999;

    public static readonly string[] Fields = ["TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath"];

    public static TaskTimeouts Parse(DefinitionObject state)
    {
        var timeoutSeconds = Exclusive(state, "TimeoutSeconds", "TimeoutSecondsPath", out var timeoutPath);
        var heartbeatSeconds = Exclusive(state, "HeartbeatSeconds", "HeartbeatSecondsPath", out var heartbeatPath);
        if (heartbeatSeconds is { } heartbeat && timeoutSeconds is { } timeout && heartbeat >= timeout)
        {
            throw state.Invalid($"has HeartbeatSeconds {heartbeat}, which must be smaller than TimeoutSeconds {timeout}");
        }

        return new TaskTimeouts(timeoutSeconds, timeoutPath, heartbeatSeconds, heartbeatPath);
    }

    private static int? Exclusive(DefinitionObject state, string valueField, string pathField, out ReferencePath? path)
    {
        if (state.Has(valueField) && state.Has(pathField))
        {
            throw state.Invalid($"has both \"{valueField}\" and \"{pathField}\"; use one");
        }

        path = state.Has(pathField) ? state.RequirePath(pathField) : null;
        return state.OptionalInteger(valueField, 1, LongestSeconds);
    }
}
