using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>Maps a workflow error name (Step Functions' <c>Error</c>) to what the client is told.</summary>
public static class TurnErrors
{
    public static ClientError Classify(string errorName, string requestId) => errorName switch
    {
        nameof(ModelThrottledException) =>
            new(ErrorCodes.ModelThrottled, $"The model is busy; try again in a moment. (request {requestId})", true),
        nameof(StreamInterruptedException) =>
            new(ErrorCodes.ModelFailed, $"The answer was cut off by a model error. (request {requestId})", true),
        "States.Timeout" => new(ErrorCodes.Timeout, $"The turn took too long and was stopped. (request {requestId})", true),
        _ => new(ErrorCodes.TurnFailed, $"The turn failed ({errorName}). Quote request {requestId} when reporting it.", false),
    };
}
