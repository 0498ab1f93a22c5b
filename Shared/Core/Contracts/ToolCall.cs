using System.Text.Json.Serialization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Contracts;

public sealed record ToolCall(string CallId, string Name, string Query);
