using Conduit.Core.Contracts;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

public sealed record StreamedAnswer(string Text, string StopReason, string Model, TokenUsage Usage, bool Cancelled)
{
    /// <summary>The tools the model asked to run; when there are any, <see cref="Text"/> is what it wrote before asking.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];
}
