namespace Conduit.Core.Protocol;

public static class StopReasons
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string ContentFiltered = "content_filtered";
    public const string ToolUse = "tool_use";
    public const string Cancelled = "cancelled";
}
