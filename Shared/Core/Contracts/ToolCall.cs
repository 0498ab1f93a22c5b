namespace Conduit.Core.Contracts;

public sealed record ToolCall(string CallId, string Name, string Query);
