namespace Conduit.Core.Contracts;

public sealed record ToolResult(string CallId, IReadOnlyList<PassageRecord> Passages, string? Error = null);
