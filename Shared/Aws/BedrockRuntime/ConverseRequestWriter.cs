using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Conduit.Aws.BedrockRuntime;

/// <summary>
/// Writes the Converse / ConverseStream request body from MEAI messages and options, applying Bedrock's
/// conversation rules: system text apart, strict user/assistant alternation opening on a user turn, tool
/// results sent as user turns, and a toolConfig whenever the conversation holds tool blocks.
/// </summary>
internal static class ConverseRequestWriter
{
    private const string User = "user";
    private const string Assistant = "assistant";

    private const string UsedToolDescription = "Called earlier in this conversation; not available now.";

    private sealed record Turn(string Role, List<AIContent> Contents);

    public static byte[] Write(IEnumerable<ChatMessage> messages, ChatOptions? options, BedrockModelOptions defaults)
    {
        var system = new List<string>();
        var turns = ToTurns(messages, system);
        if (!string.IsNullOrWhiteSpace(options?.Instructions)) system.Add(options.Instructions);

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("messages");
            foreach (var turn in turns) WriteTurn(writer, turn);
            writer.WriteEndArray();
            if (system.Count > 0)
            {
                writer.WriteStartArray("system");
                foreach (var text in system)
                {
                    writer.WriteStartObject();
                    writer.WriteString("text", text);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            WriteInferenceConfig(writer, options, defaults);
            WriteToolConfig(writer, options, turns);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static List<Turn> ToTurns(IEnumerable<ChatMessage> messages, List<string> system)
    {
        var turns = new List<Turn>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System)
            {
                system.AddRange(message.Contents.OfType<TextContent>().Select(c => c.Text).Where(t => !string.IsNullOrWhiteSpace(t)));
                continue;
            }
            var contents = message.Contents.Where(IsSent).ToList();
            if (contents.Count == 0) continue;
            var role = message.Role == ChatRole.Assistant ? Assistant : User;
            if (turns.Count > 0 && turns[^1].Role == role) turns[^1].Contents.AddRange(contents);
            // An assistant turn before any user turn answers nothing Bedrock can see, and Bedrock refuses to open on one.
            else if (turns.Count > 0 || role == User) turns.Add(new Turn(role, contents));
        }
        if (turns.Count == 0) throw new ArgumentException("Bedrock Converse needs at least one user message.", nameof(messages));
        return turns;
    }

    /// <summary>Bedrock rejects blank text blocks, so they are dropped; content it cannot carry fails loudly.</summary>
    private static bool IsSent(AIContent content) => content switch
    {
        TextContent text => !string.IsNullOrWhiteSpace(text.Text),
        FunctionCallContent or FunctionResultContent => true,
        _ => throw new NotSupportedException($"The Bedrock chat client does not send {content.GetType().Name} content."),
    };

    private static void WriteTurn(Utf8JsonWriter writer, Turn turn)
    {
        writer.WriteStartObject();
        writer.WriteString("role", turn.Role);
        writer.WriteStartArray("content");
        foreach (var content in turn.Contents)
        {
            writer.WriteStartObject();
            switch (content)
            {
                case TextContent text:
                    writer.WriteString("text", text.Text);
                    break;
                case FunctionCallContent call:
                    writer.WriteStartObject("toolUse");
                    writer.WriteString("toolUseId", call.CallId);
                    writer.WriteString("name", call.Name);
                    writer.WritePropertyName("input");
                    WriteArguments(writer, call.Arguments);
                    writer.WriteEndObject();
                    break;
                case FunctionResultContent result:
                    writer.WriteStartObject("toolResult");
                    writer.WriteString("toolUseId", result.CallId);
                    writer.WriteStartArray("content");
                    writer.WriteStartObject();
                    writer.WriteString("text", ResultText(result));
                    writer.WriteEndObject();
                    writer.WriteEndArray();
                    writer.WriteString("status", result.Exception is null ? "success" : "error");
                    writer.WriteEndObject();
                    break;
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteArguments(Utf8JsonWriter writer, IDictionary<string, object?>? arguments)
    {
        if (arguments is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }
        JsonSerializer.Serialize(writer, arguments, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)));
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        null when result.Exception is not null => result.Exception.Message,
        var value => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(object))),
    };

    private static void WriteInferenceConfig(Utf8JsonWriter writer, ChatOptions? options, BedrockModelOptions defaults)
    {
        writer.WriteStartObject("inferenceConfig");
        writer.WriteNumber("maxTokens", options?.MaxOutputTokens ?? defaults.MaxTokens);
        if ((options?.Temperature ?? defaults.Temperature) is { } temperature) writer.WriteNumber("temperature", temperature);
        if (options?.TopP is { } topP) writer.WriteNumber("topP", topP);
        if (options?.StopSequences is { Count: > 0 } stops)
        {
            writer.WriteStartArray("stopSequences");
            foreach (var stop in stops) writer.WriteStringValue(stop);
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Bedrock refuses a conversation holding toolUse/toolResult blocks unless toolConfig is present, even when no
    /// new call is wanted; then the declared tools are kept, or, when none are declared, the tools the conversation
    /// used are declared with an open schema.
    /// </summary>
    private static void WriteToolConfig(Utf8JsonWriter writer, ChatOptions? options, List<Turn> turns)
    {
        var declared = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        var usesTools = turns.Any(t => t.Contents.Any(c => c is FunctionCallContent or FunctionResultContent));
        var mode = options?.ToolMode;
        if (!usesTools && (declared.Count == 0 || mode is NoneChatToolMode)) return;

        var used = declared.Count > 0
            ? []
            : turns.SelectMany(t => t.Contents.OfType<FunctionCallContent>()).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        if (declared.Count == 0 && used.Count == 0) return;

        writer.WriteStartObject("toolConfig");
        writer.WriteStartArray("tools");
        foreach (var tool in declared) WriteToolSpec(writer, tool.Name, tool.Description, tool.JsonSchema);
        foreach (var name in used) WriteToolSpec(writer, name, UsedToolDescription, default);
        writer.WriteEndArray();
        if (declared.Count > 0) WriteToolChoice(writer, mode);
        writer.WriteEndObject();
    }

    private static void WriteToolSpec(Utf8JsonWriter writer, string name, string? description, JsonElement schema)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("toolSpec");
        writer.WriteString("name", name);
        if (!string.IsNullOrWhiteSpace(description)) writer.WriteString("description", description);
        writer.WriteStartObject("inputSchema");
        writer.WritePropertyName("json");
        if (schema.ValueKind == JsonValueKind.Object) schema.WriteTo(writer);
        else
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ChatToolMode? mode)
    {
        switch (mode)
        {
            case AutoChatToolMode:
                writer.WriteStartObject("toolChoice");
                writer.WriteStartObject("auto");
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case RequiredChatToolMode { RequiredFunctionName: null }:
                writer.WriteStartObject("toolChoice");
                writer.WriteStartObject("any");
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case RequiredChatToolMode required:
                writer.WriteStartObject("toolChoice");
                writer.WriteStartObject("tool");
                writer.WriteString("name", required.RequiredFunctionName);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
    }
}
