using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>
/// Maps a workflow error name (Step Functions' <c>Error</c>) to what the client is told: a stable code and a plain
/// sentence. The error name and its cause are internal; they stay in the log and the execution's history.
/// </summary>
public static class TurnErrors
{
    public static ClientError Classify(string errorName, string requestId) => errorName switch
    {
        nameof(ModelThrottledException) =>
            new(ErrorCodes.ModelThrottled, $"The model is busy; try again in a moment. (request {requestId})", true),
        nameof(StreamInterruptedException) =>
            new(ErrorCodes.ModelFailed, $"The answer was cut off by a model error. (request {requestId})", true),
        nameof(ModelUnavailableException) =>
            new(ErrorCodes.Unavailable, $"The model could not be reached; try again in a moment. (request {requestId})", true),
        nameof(DeadlineExceededException) or "States.Timeout" =>
            new(ErrorCodes.Timeout, $"The turn took too long and was stopped. (request {requestId})", true),
        _ => new(ErrorCodes.TurnFailed, $"The turn failed. Quote request {requestId} when reporting it.", false),
    };

    /// <summary>Whether a turn that failed with <paramref name="code"/> may run again when the client retries it.</summary>
    public static bool IsRetryable(string? code) =>
        code is ErrorCodes.ModelThrottled or ErrorCodes.ModelFailed or ErrorCodes.Unavailable or ErrorCodes.Timeout;
}
