namespace Conduit.Local.StepFunctions;

/// <summary>A Task state's time limits as the definition gives them: fixed, or read from the input by a path.</summary>
internal sealed record TaskTimeouts(
    int? TimeoutSeconds, ReferencePath? TimeoutSecondsPath, int? HeartbeatSeconds, ReferencePath? HeartbeatSecondsPath);
