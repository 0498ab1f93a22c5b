using Conduit.Core.Protocol;
using Microsoft.Extensions.AI;

namespace Conduit.Core.Chat;

/// <summary>Translations from Microsoft.Extensions.AI's usage and finish reasons to the protocol's.</summary>
public static class ChatUsage
{
    public static TokenUsage From(UsageDetails? details) =>
        details is null ? TokenUsage.Zero : new TokenUsage(details.InputTokenCount ?? 0, details.OutputTokenCount ?? 0);

    public static string StopReason(ChatFinishReason? finish)
    {
        if (finish is null || finish == ChatFinishReason.Stop) return StopReasons.EndTurn;
        if (finish == ChatFinishReason.Length) return StopReasons.MaxTokens;
        if (finish == ChatFinishReason.ContentFilter) return StopReasons.ContentFiltered;
        if (finish == ChatFinishReason.ToolCalls) return StopReasons.ToolUse;
        return finish.Value.Value;
    }
}
