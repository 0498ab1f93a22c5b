using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Conduit.Aws.BedrockRuntime;

/// <summary>Reads Converse answers into MEAI types; unknown fields and block types are skipped, as the API keeps growing.</summary>
internal static class ConverseResponseReader
{
    public static ChatResponse Read(JsonElement root, string modelId, string? responseId)
    {
        var contents = new List<AIContent>();
        if (root.TryGetProperty("output", out var output)
            && output.TryGetProperty("message", out var message)
            && message.TryGetProperty("content", out var blocks)
            && blocks.ValueKind == JsonValueKind.Array)
        {
            foreach (var block in blocks.EnumerateArray())
            {
                if (String(block, "text") is { } text) contents.Add(new TextContent(text));
                else if (block.TryGetProperty("toolUse", out var toolUse))
                {
                    contents.Add(new FunctionCallContent(
                        String(toolUse, "toolUseId") ?? "",
                        String(toolUse, "name") ?? "",
                        toolUse.TryGetProperty("input", out var input) ? ToArguments(input) : new Dictionary<string, object?>()));
                }
            }
        }
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents))
        {
            ModelId = modelId,
            ResponseId = responseId,
            FinishReason = String(root, "stopReason") is { } stopReason ? ToFinishReason(stopReason) : null,
            Usage = root.TryGetProperty("usage", out var usage) ? ToUsage(usage) : null,
        };
    }

    public static ChatFinishReason ToFinishReason(string stopReason) => stopReason switch
    {
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "tool_use" => ChatFinishReason.ToolCalls,
        "max_tokens" => ChatFinishReason.Length,
        "content_filtered" or "guardrail_intervened" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(stopReason),
    };

    public static UsageDetails ToUsage(JsonElement usage)
    {
        var details = new UsageDetails
        {
            InputTokenCount = Number(usage, "inputTokens"),
            OutputTokenCount = Number(usage, "outputTokens"),
            TotalTokenCount = Number(usage, "totalTokens"),
            CachedInputTokenCount = Number(usage, "cacheReadInputTokens"),
        };
        if (Number(usage, "cacheWriteInputTokens") is { } cacheWrites)
            details.AdditionalCounts = new() { ["cacheWriteInputTokens"] = cacheWrites };
        return details;
    }

    /// <summary>Each argument stays a JsonElement (cloned, so it outlives the document), as MEAI's own parsers leave them.</summary>
    public static Dictionary<string, object?> ToArguments(JsonElement input)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input.ValueKind != JsonValueKind.Object) return arguments;
        foreach (var property in input.EnumerateObject()) arguments[property.Name] = property.Value.Clone();
        return arguments;
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : null;
}
