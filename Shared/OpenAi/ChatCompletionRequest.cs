using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Conduit.OpenAi;

/// <summary>Writes the body of a <c>POST /chat/completions</c> request from MEAI messages and options.</summary>
internal static class ChatCompletionRequest
{
    /// <summary>Prompts travel as UTF-8 to a model server, never into HTML, so escaping non-ASCII text would only bloat them.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(
        string model, IEnumerable<ChatMessage> messages, ChatOptions? options, OpenAiCompatibleOptions settings, bool stream)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("model", options?.ModelId ?? model);
            json.WriteStartArray("messages");
            foreach (var message in messages) WriteMessage(json, message);
            json.WriteEndArray();
            json.WriteNumber("max_tokens", options?.MaxOutputTokens ?? settings.MaxTokens);
            if ((options?.Temperature ?? settings.Temperature) is { } temperature) json.WriteNumber("temperature", temperature);
            if (options?.TopP is { } topP) json.WriteNumber("top_p", topP);
            if (options?.StopSequences is { Count: > 0 } stops)
            {
                json.WriteStartArray("stop");
                foreach (var stop in stops) json.WriteStringValue(stop);
                json.WriteEndArray();
            }
            WriteTools(json, options);
            if (stream)
            {
                json.WriteBoolean("stream", true);
                json.WriteStartObject("stream_options");
                json.WriteBoolean("include_usage", true);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Text and tool calls go in one message of the message's role; each tool result becomes its own
    /// <c>tool</c> message, because the API pairs one result with one <c>tool_call_id</c>.
    /// </summary>
    private static void WriteMessage(Utf8JsonWriter json, ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        var results = message.Contents.OfType<FunctionResultContent>().ToList();
        var text = message.Text;
        if (results.Count == 0 || calls.Count > 0 || text.Length > 0)
        {
            json.WriteStartObject();
            json.WriteString("role", message.Role.Value);
            json.WriteString("content", text);
            if (calls.Count > 0)
            {
                json.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    json.WriteStartObject();
                    json.WriteString("id", call.CallId);
                    json.WriteString("type", "function");
                    json.WriteStartObject("function");
                    json.WriteString("name", call.Name);
                    json.WriteString("arguments", ArgumentsJson(call.Arguments));
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        foreach (var result in results)
        {
            json.WriteStartObject();
            json.WriteString("role", "tool");
            json.WriteString("tool_call_id", result.CallId);
            json.WriteString("content", ResultText(result));
            json.WriteEndObject();
        }
    }

    private static void WriteTools(Utf8JsonWriter json, ChatOptions? options)
    {
        var functions = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        if (functions.Count == 0) return;
        json.WriteStartArray("tools");
        foreach (var function in functions)
        {
            json.WriteStartObject();
            json.WriteString("type", "function");
            json.WriteStartObject("function");
            json.WriteString("name", function.Name);
            if (!string.IsNullOrEmpty(function.Description)) json.WriteString("description", function.Description);
            json.WritePropertyName("parameters");
            if (function.JsonSchema.ValueKind == JsonValueKind.Object) function.JsonSchema.WriteTo(json);
            else WriteEmptyObjectSchema(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();

        switch (options?.ToolMode)
        {
            case NoneChatToolMode:
                json.WriteString("tool_choice", "none");
                break;
            case AutoChatToolMode:
                json.WriteString("tool_choice", "auto");
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                json.WriteStartObject("tool_choice");
                json.WriteString("type", "function");
                json.WriteStartObject("function");
                json.WriteString("name", name);
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            case RequiredChatToolMode:
                json.WriteString("tool_choice", "required");
                break;
        }
    }

    private static void WriteEmptyObjectSchema(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "object");
        json.WriteStartObject("properties");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>
    /// MEAI's own source-generated options serialize argument values, so any value MEAI itself produces round-trips
    /// without reflection.
    /// </summary>
    private static string ArgumentsJson(IDictionary<string, object?>? arguments) =>
        arguments is null or { Count: 0 } ? "{}" : CompactJson(arguments, typeof(IDictionary<string, object?>));

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception?.Message ?? "",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        var value => CompactJson(value, value.GetType()),
    };

    /// <summary>
    /// Through a writer rather than MEAI's options alone, which indent and escape: this keeps the text the model reads short.
    /// </summary>
    private static string CompactJson(object value, Type type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(json, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(type));
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
