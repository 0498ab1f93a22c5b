namespace Conduit.Core.Contracts;

public sealed record ToolRound(IReadOnlyList<ToolCall> Calls, IReadOnlyList<ToolResult> Results);
