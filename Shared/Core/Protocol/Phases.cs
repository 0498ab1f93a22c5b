namespace Conduit.Core.Protocol;

public static class Phases
{
    public const string Queued = "queued";
    public const string BuildingPrompt = "building_prompt";
    public const string Planning = "planning";
    public const string Retrieving = "retrieving";
    public const string Streaming = "streaming";
}
