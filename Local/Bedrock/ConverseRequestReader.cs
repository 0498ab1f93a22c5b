using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Local.Edge;
using Microsoft.Extensions.AI;
using static Conduit.Local.Edge.AwsRestException;

namespace Conduit.Local.Bedrock;

/// <summary>
/// Reads a Converse / ConverseStream request body into the messages and options the host's model takes, refusing
/// what Bedrock refuses, and what this model cannot see (images, documents, audio, video), with a ValidationException.
/// </summary>
internal static class ConverseRequestReader
{
    private static readonly HashSet<string> MediaBlocks = new(StringComparer.Ordinal) { "image", "document", "video", "audio" };

    /// <exception cref="AwsRestException">A ValidationException naming the member at fault.</exception>
    public static (List<ChatMessage> Messages, ChatOptions Options) Read(JsonObject body)
    {
        var messages = new List<ChatMessage>();
        if (body["system"] is { } system)
        {
            foreach (var (block, i) in Array(system, "system").Select((b, i) => (b, i)))
            {
                var text = Object(block, $"system.{i}");
                if (text["text"] is { } value) messages.Add(new ChatMessage(ChatRole.System, String(value, $"system.{i}.text")));
            }
        }

        var turns = Array(body["messages"] ?? throw Invalid("messages", "Member must not be null"), "messages");
        if (turns.Count == 0) throw Invalid("messages", "Member must have length greater than or equal to 1");
        for (var i = 0; i < turns.Count; i++) messages.Add(ReadMessage(Object(turns[i], $"messages.{i}"), $"messages.{i}"));
        if (messages[^1].Role != ChatRole.User)
            throw Validation("A conversation must end with a user message. Try again with a conversation that ends with a user message.");

        var options = new ChatOptions();
        if (body["inferenceConfig"] is { } inference) ReadInferenceConfig(Object(inference, "inferenceConfig"), options);
        if (body["toolConfig"] is { } tools) ReadToolConfig(Object(tools, "toolConfig"), options);
        return (messages, options);
    }

    private static ChatMessage ReadMessage(JsonObject message, string at)
    {
        var role = String(message["role"] ?? throw Invalid($"{at}.role", "Member must not be null"), $"{at}.role") switch
        {
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            var other => throw Invalid($"{at}.role", $"Member must satisfy enum value set: [user, assistant], not '{other}'"),
        };
        var blocks = Array(message["content"] ?? throw Invalid($"{at}.content", "Member must not be null"), $"{at}.content");
        var contents = new List<AIContent>();
        for (var i = 0; i < blocks.Count; i++) contents.Add(ReadBlock(Object(blocks[i], $"{at}.content.{i}"), $"{at}.content.{i}"));
        return new ChatMessage(role, contents);
    }

    private static AIContent ReadBlock(JsonObject block, string at)
    {
        if (block.Count != 1) throw Invalid(at, "A content block must set exactly one member");
        var (kind, value) = block.First();
        switch (kind)
        {
            case "text":
                return new TextContent(String(value!, $"{at}.text"));
            case "toolUse":
                var use = Object(value, $"{at}.toolUse");
                return new FunctionCallContent(
                    String(use["toolUseId"], $"{at}.toolUse.toolUseId"),
                    String(use["name"], $"{at}.toolUse.name"),
                    Arguments(use["input"]));
            case "toolResult":
                var result = Object(value, $"{at}.toolResult");
                var error = Optional(result["status"]) == "error";
                return new FunctionResultContent(String(result["toolUseId"], $"{at}.toolResult.toolUseId"), ResultText(result["content"]))
                {
                    Exception = error ? new InvalidOperationException(ResultText(result["content"])) : null,
                };
            case var media when MediaBlocks.Contains(media):
                throw Validation($"This model doesn't support the {media} content block that you provided. "
                    + "The local model reads text, toolUse and toolResult blocks only.");
            default:
                throw Validation($"This model doesn't support the {kind} content block that you provided.");
        }
    }

    private static void ReadInferenceConfig(JsonObject config, ChatOptions options)
    {
        if (config["maxTokens"] is { } maxTokens)
        {
            options.MaxOutputTokens = Integer(maxTokens, "inferenceConfig.maxTokens");
            if (options.MaxOutputTokens < 1)
                throw Invalid("inferenceConfig.maxTokens", "Member must have value greater than or equal to 1");
        }
        if (config["temperature"] is { } temperature) options.Temperature = Fraction(temperature, "inferenceConfig.temperature");
        if (config["topP"] is { } topP) options.TopP = Fraction(topP, "inferenceConfig.topP");
        if (config["stopSequences"] is { } stops)
        {
            options.StopSequences =
                [.. Array(stops, "inferenceConfig.stopSequences").Select((s, i) => String(s, $"inferenceConfig.stopSequences.{i}"))];
        }
    }

    private static void ReadToolConfig(JsonObject config, ChatOptions options)
    {
        var tools = Array(config["tools"] ?? throw Invalid("toolConfig.tools", "Member must not be null"), "toolConfig.tools");
        if (tools.Count == 0) throw Invalid("toolConfig.tools", "Member must have length greater than or equal to 1");
        options.Tools = [];
        for (var i = 0; i < tools.Count; i++)
        {
            var at = $"toolConfig.tools.{i}";
            if (Object(tools[i], at)["toolSpec"] is not { } specNode) continue;
            var spec = Object(specNode, $"{at}.toolSpec");
            var name = String(spec["name"], $"{at}.toolSpec.name");
            var schema = spec["inputSchema"]?["json"] ?? throw Invalid($"{at}.toolSpec.inputSchema", "Member must not be null");
            options.Tools.Add(AIFunctionFactory.CreateDeclaration(
                name, Optional(spec["description"]), Element(schema)));
        }
        if (config["toolChoice"] is not { } choiceNode) return;
        var choice = Object(choiceNode, "toolConfig.toolChoice");
        options.ToolMode = choice switch
        {
            _ when choice.ContainsKey("auto") => ChatToolMode.Auto,
            _ when choice.ContainsKey("any") => ChatToolMode.RequireAny,
            _ when choice["tool"] is JsonObject tool =>
                ChatToolMode.RequireSpecific(String(tool["name"], "toolConfig.toolChoice.tool.name")),
            _ => throw Invalid("toolConfig.toolChoice", "Member must set one of auto, any or tool"),
        };
    }

    private static Dictionary<string, object?> Arguments(JsonNode? input)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input is not JsonObject fields) return arguments;
        foreach (var (name, value) in fields) arguments[name] = Element(value);
        return arguments;
    }

    /// <summary>The result's text blocks joined, and its json blocks as JSON text: what a model reads of a tool's answer.</summary>
    private static string ResultText(JsonNode? content) => content is JsonArray blocks
        ? string.Join("\n", blocks.OfType<JsonObject>().Select(b => Optional(b["text"]) ?? b["json"]?.ToJsonString() ?? ""))
        : "";

    private static JsonElement Element(JsonNode? node)
    {
        using var document = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return document.RootElement.Clone();
    }

    private static string? Optional(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static JsonArray Array(JsonNode node, string at) => node as JsonArray ?? throw Invalid(at, "Member must be a list");

    private static JsonObject Object(JsonNode? node, string at) => node as JsonObject ?? throw Invalid(at, "Member must be a structure");

    private static string String(JsonNode? node, string at) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw Invalid(at, "Member must be a string");

    private static int Integer(JsonNode node, string at) =>
        node is JsonValue value && value.TryGetValue<int>(out var number) ? number : throw Invalid(at, "Member must be an integer");

    private static float Fraction(JsonNode node, string at)
    {
        if (node is not JsonValue value || !value.TryGetValue<double>(out var number)) throw Invalid(at, "Member must be a number");
        if (number is < 0 or > 1) throw Invalid(at, "Member must have value between 0 and 1");
        return (float)number;
    }

}
