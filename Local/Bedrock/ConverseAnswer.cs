using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Bedrock;

/// <summary>The model's answer in Converse's words: output.message blocks, stopReason, usage and metrics.</summary>
internal static class ConverseAnswer
{
    public static JsonObject Converse(ChatResponse response, long latencyMs)
    {
        var content = new JsonArray();
        var calls = false;
        foreach (var item in response.Messages.SelectMany(m => m.Contents))
        {
            switch (item)
            {
                case TextContent { Text.Length: > 0 } text:
                    if (content.Count > 0 && content[^1] is JsonObject { } last && last["text"] is { } joined)
                        last["text"] = joined.GetValue<string>() + text.Text;
                    else content.Add(new JsonObject { ["text"] = text.Text });
                    break;
                case FunctionCallContent call:
                    calls = true;
                    content.Add(new JsonObject { ["toolUse"] = ToolUse(call, Input(call)) });
                    break;
            }
        }
        return new JsonObject
        {
            ["output"] = new JsonObject { ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } },
            ["stopReason"] = StopReason(response.FinishReason, calls),
            ["usage"] = Usage(response.Usage),
            ["metrics"] = Metrics(latencyMs),
        };
    }

    /// <summary>
    /// Bedrock's reason for the model's: a reason Bedrock has itself (such as <c>stop_sequence</c>) passes through,
    /// and a turn that called tools stopped for them whatever the model said.
    /// </summary>
    public static string StopReason(ChatFinishReason? reason, bool calledTools)
    {
        if (calledTools || reason == ChatFinishReason.ToolCalls) return "tool_use";
        if (reason == ChatFinishReason.Length) return "max_tokens";
        if (reason == ChatFinishReason.ContentFilter) return "content_filtered";
        if (reason is null || reason == ChatFinishReason.Stop) return "end_turn";
        return reason.Value.Value;
    }

    public static JsonObject Usage(UsageDetails? usage)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        return new JsonObject
        {
            ["inputTokens"] = input,
            ["outputTokens"] = output,
            ["totalTokens"] = usage?.TotalTokenCount ?? input + output,
        };
    }

    public static JsonObject Metrics(long latencyMs) => new() { ["latencyMs"] = latencyMs };

    public static JsonObject ToolUse(FunctionCallContent call, JsonNode? input)
    {
        var toolUse = new JsonObject { ["toolUseId"] = call.CallId, ["name"] = call.Name };
        if (input is not null) toolUse["input"] = input;
        return toolUse;
    }

    /// <summary>The call's arguments as one JSON object, as Converse returns a tool's input.</summary>
    public static JsonObject Input(FunctionCallContent call) => call.Arguments is null
        ? []
        : JsonSerializer.SerializeToNode(call.Arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))
            as JsonObject ?? [];
}
