namespace Conduit.Core.Protocol;

/// <summary>The <c>code</c> values of error frames. Clients branch on these, so they never change meaning.</summary>
public static class ErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string UnsupportedFrame = "unsupported_frame";
    public const string UnknownAction = "unknown_action";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string EmptyText = "empty_text";
    public const string TextTooLong = "text_too_long";
    public const string SessionNotFound = "session_not_found";
    public const string Conflict = "conflict";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string TooManyTurns = "too_many_turns";
    public const string TurnNotFound = "turn_not_found";
    public const string TurnFinished = "turn_finished";
    public const string SeqOutOfRange = "seq_out_of_range";
    public const string Unavailable = "unavailable";
    public const string Internal = "internal";
    public const string ModelThrottled = "model_throttled";
    public const string ModelFailed = "model_failed";
    public const string Timeout = "timeout";
    public const string TurnFailed = "turn_failed";
    public const string FrameTooLarge = "frame_too_large";
}
