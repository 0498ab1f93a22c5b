using System.Net;
using System.Text.Json;
using Conduit.Core.Chat;
using Microsoft.Extensions.AI;

namespace Conduit.OpenAi;

/// <summary>Reads Chat Completions answers, whole or in stream chunks, into MEAI types.</summary>
internal static class ChatCompletionResponse
{
    public static ChatResponse Read(ReadOnlyMemory<byte> body)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _)) throw ErrorFrom(root, null);

        var contents = new List<AIContent>();
        ChatFinishReason? finishReason = null;
        if (FirstChoice(root) is { } choice)
        {
            finishReason = FinishReason(choice);
            if (choice.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                if (Reasoning(message) is { Length: > 0 } reasoning) contents.Add(new TextReasoningContent(reasoning));
                if (ReadString(message, "content") is { Length: > 0 } text) contents.Add(new TextContent(text));
                if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
                {
                    for (var position = 0; position < calls.GetArrayLength(); position++)
                    {
                        var call = calls[position];
                        var function = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out var f) ? f : default;
                        contents.Add(FunctionCall(
                            ReadString(call, "id") ?? $"call_{position}", ReadString(function, "name") ?? "", ArgumentsText(function)));
                    }
                }
            }
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, contents) { MessageId = ReadString(root, "id") })
        {
            ResponseId = ReadString(root, "id"),
            ModelId = ReadString(root, "model"),
            CreatedAt = Created(root),
            FinishReason = finishReason,
            Usage = Usage(root),
        };
    }

    /// <summary>Turns a non-success answer into the exception callers handle: throttling or the server's own error.</summary>
    public static async Task<Exception> ErrorFromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body);
            return ErrorFrom(document.RootElement, response.StatusCode);
        }
        catch (JsonException)
        {
            var text = System.Text.Encoding.UTF8.GetString(body).Trim();
            var message = text.Length == 0 ? response.ReasonPhrase ?? "no error message" : text.Length > 500 ? text[..500] : text;
            return Classify(new OpenAiCompatibleException(response.StatusCode, message));
        }
    }

    /// <summary>
    /// Reads an error in any of the shapes OpenAI-compatible servers use: <c>{"error":{"message",...}}</c> (OpenAI,
    /// llama.cpp, Ollama, newer vLLM), <c>{"error":"..."}</c>, or the fields at the top level (older vLLM, llama.cpp's
    /// <c>error:</c> event).
    /// </summary>
    public static Exception ErrorFrom(JsonElement root, HttpStatusCode? status)
    {
        var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var nested) ? nested : root;
        string? message = null;
        string? type = null;
        if (error.ValueKind == JsonValueKind.Object)
        {
            message = ReadString(error, "message");
            type = ReadString(error, "type");
            if (status is null
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt32(out var number))
            {
                status = (HttpStatusCode)number;
            }
        }
        else if (error.ValueKind == JsonValueKind.String)
        {
            message = error.GetString();
        }
        if (message is null && root.ValueKind == JsonValueKind.Object) message = ReadString(root, "detail");
        return Classify(new OpenAiCompatibleException(status, message ?? root.GetRawText(), type));
    }

    public static ChatFinishReason? FinishReason(JsonElement choice) => ReadString(choice, "finish_reason") switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        var other => new ChatFinishReason(other),
    };

    public static UsageDetails? Usage(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("usage", out var usage)
            || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var input = ReadInt64(usage, "prompt_tokens");
        var output = ReadInt64(usage, "completion_tokens");
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = ReadInt64(usage, "total_tokens") ?? input + output,
        };
    }

    /// <summary>
    /// Arguments arrive as a JSON string that the model wrote, so they may be malformed; the call is kept with no
    /// arguments and the parse failure on <see cref="FunctionCallContent.Exception"/>, so one bad call cannot fail the turn.
    /// </summary>
    public static FunctionCallContent FunctionCall(string callId, string name, string? argumentsJson)
    {
        var arguments = new Dictionary<string, object?>();
        var call = new FunctionCallContent(callId, name, arguments);
        if (string.IsNullOrWhiteSpace(argumentsJson)) return call;
        try
        {
            using var parsed = JsonDocument.Parse(argumentsJson);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException($"Expected a JSON object, got {parsed.RootElement.ValueKind}.");
            foreach (var property in parsed.RootElement.EnumerateObject()) arguments[property.Name] = property.Value.Clone();
        }
        catch (JsonException exception)
        {
            arguments.Clear();
            call.Exception = new InvalidDataException(
                $"The arguments of tool call {callId} ({name}) are not a JSON object: {exception.Message}", exception);
        }
        return call;
    }

    /// <summary>The standard sends arguments as a JSON string; a few servers send the object itself.</summary>
    private static string? ArgumentsText(JsonElement function) =>
        function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out var arguments)
            ? arguments.ValueKind switch
            {
                JsonValueKind.String => arguments.GetString(),
                JsonValueKind.Object => arguments.GetRawText(),
                _ => null,
            }
            : null;

    public static JsonElement? FirstChoice(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("choices", out var choices)
        && choices.ValueKind == JsonValueKind.Array
        && choices.GetArrayLength() > 0
        && choices[0].ValueKind == JsonValueKind.Object
            ? choices[0]
            : null;

    /// <summary>
    /// Thinking models send their reasoning apart from the answer: llama.cpp and vLLM as <c>reasoning_content</c>, Ollama
    /// as <c>reasoning</c>.
    /// </summary>
    public static string? Reasoning(JsonElement message) => ReadString(message, "reasoning_content") ?? ReadString(message, "reasoning");

    public static DateTimeOffset? Created(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object
        && root.TryGetProperty("created", out var created)
        && created.ValueKind == JsonValueKind.Number
        && created.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    public static string? ReadString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonDocument Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException exception)
        {
            throw new OpenAiCompatibleException(null, $"The model server sent JSON that does not parse: {exception.Message}");
        }
    }

    private static Exception Classify(OpenAiCompatibleException exception) =>
        exception.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            ? new ModelThrottledException(exception.Message, exception)
            : exception;

    private static long? ReadInt64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var number)
            ? number
            : null;
}
