namespace Conduit.Core.Observability;

/// <summary>The metric names the dashboard charts; one place, so code and template cannot drift apart silently.</summary>
public static class MetricNames
{
    public const string TimeToAck = "TimeToAck";
    public const string TimeToFirstToken = "TimeToFirstToken";
    public const string TurnDuration = "TurnDuration";
    public const string InputTokens = "InputTokens";
    public const string OutputTokens = "OutputTokens";
    public const string ToolCalls = "ToolCalls";
    public const string RetrievalHits = "RetrievalHits";
    public const string FramesPosted = "FramesPosted";
    public const string GoneConnections = "GoneConnections";
    public const string TurnFailures = "TurnFailures";
}
