using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

public sealed record ToolRound(IReadOnlyList<ToolCall> Calls, IReadOnlyList<ToolResult> Results);
