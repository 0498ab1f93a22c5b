using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Microsoft.Extensions.AI;

namespace Conduit.Aws.BedrockRuntime;

/// <summary>
/// Turns ConverseStream messages into MEAI updates, one stream per instance. Tool input arrives as JSON
/// fragments keyed by contentBlockIndex and is parsed once its block stops; text needs no state, because
/// Bedrock sends no contentBlockStart for text blocks. Exception and error messages end the stream.
/// </summary>
internal sealed class ConverseStreamTranslator(string modelId, string? responseId)
{
    private sealed record PendingToolUse(string ToolUseId, string Name)
    {
        public StringBuilder Input { get; } = new();
    }

    private readonly Dictionary<int, PendingToolUse> _toolUses = [];

    /// <summary>True once messageStop arrived; a body that ends without it was cut off.</summary>
    public bool Stopped { get; private set; }

    public ChatResponseUpdate? Read(EventStreamMessage message) => HeaderText(message, ":message-type") switch
    {
        "event" => ReadEvent(HeaderText(message, ":event-type"), message.Payload),
        "exception" => throw ModeledError(HeaderText(message, ":exception-type") ?? "unknownException", message.Payload),
        "error" => throw UnmodeledError(HeaderText(message, ":error-code") ?? "UnknownError", HeaderText(message, ":error-message")),
        _ => null,
    };

    private ChatResponseUpdate? ReadEvent(string? eventType, byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        var body = document.RootElement;
        switch (eventType)
        {
            case "contentBlockStart":
                if (body.TryGetProperty("start", out var start) && start.TryGetProperty("toolUse", out var toolUse))
                {
                    _toolUses[BlockIndex(body)] = new PendingToolUse(
                        ConverseResponseReader.String(toolUse, "toolUseId") ?? "",
                        ConverseResponseReader.String(toolUse, "name") ?? "");
                }
                return null;
            case "contentBlockDelta":
                return body.TryGetProperty("delta", out var delta) ? ReadDelta(BlockIndex(body), delta) : null;
            case "contentBlockStop":
                return _toolUses.Remove(BlockIndex(body), out var finished) ? Update([ToFunctionCall(finished)]) : null;
            case "messageStop":
                Stopped = true;
                var update = Update([]);
                if (ConverseResponseReader.String(body, "stopReason") is { } stopReason)
                    update.FinishReason = ConverseResponseReader.ToFinishReason(stopReason);
                return update;
            case "metadata":
                return body.TryGetProperty("usage", out var usage)
                    ? Update([new UsageContent(ConverseResponseReader.ToUsage(usage))])
                    : null;
            default:
                return null;
        }
    }

    private ChatResponseUpdate? ReadDelta(int index, JsonElement delta)
    {
        if (ConverseResponseReader.String(delta, "text") is { Length: > 0 } text) return Update([new TextContent(text)]);
        if (delta.TryGetProperty("toolUse", out var toolUse) && ConverseResponseReader.String(toolUse, "input") is { } fragment)
        {
            if (!_toolUses.TryGetValue(index, out var pending))
            {
                throw new InvalidDataException($"ConverseStream sent tool input for content block {index} before its contentBlockStart.");
            }
            pending.Input.Append(fragment);
        }
        return null;
    }

    private static FunctionCallContent ToFunctionCall(PendingToolUse toolUse) =>
        FunctionCallContent.CreateFromParsedArguments(toolUse.Input.ToString(), toolUse.ToolUseId, toolUse.Name, static input =>
        {
            if (string.IsNullOrWhiteSpace(input)) return new Dictionary<string, object?>();
            using var document = JsonDocument.Parse(input);
            return ConverseResponseReader.ToArguments(document.RootElement);
        });

    private ChatResponseUpdate Update(IList<AIContent> contents) =>
        new(ChatRole.Assistant, contents) { ModelId = modelId, ResponseId = responseId };

    private Exception ModeledError(string exceptionType, byte[] payload)
    {
        var errorType = exceptionType.Length == 0 ? exceptionType : char.ToUpperInvariant(exceptionType[0]) + exceptionType[1..];
        var message = MessageOf(payload) ?? $"ConverseStream ended with {exceptionType}.";
        return BedrockErrors.ForModel(AwsServiceException.From(errorType, StreamErrorStatus(exceptionType), message), modelId);
    }

    private static string? MessageOf(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload);
            return ConverseResponseReader.String(document.RootElement, "message");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private Exception UnmodeledError(string errorCode, string? errorMessage) =>
        BedrockErrors.ForModel(
            AwsServiceException.From(
                errorCode, HttpStatusCode.InternalServerError, errorMessage ?? $"ConverseStream ended with error {errorCode}."),
            modelId);

    /// <summary>The statuses the model gives these stream exceptions, so their typed exceptions agree with their HTTP twins.</summary>
    private static HttpStatusCode StreamErrorStatus(string exceptionType) => exceptionType switch
    {
        "throttlingException" => HttpStatusCode.TooManyRequests,
        "validationException" => HttpStatusCode.BadRequest,
        "modelStreamErrorException" => HttpStatusCode.FailedDependency,
        "serviceUnavailableException" => HttpStatusCode.ServiceUnavailable,
        _ => HttpStatusCode.InternalServerError,
    };

    private static int BlockIndex(JsonElement body) =>
        body.TryGetProperty("contentBlockIndex", out var index) && index.ValueKind == JsonValueKind.Number ? index.GetInt32() : 0;

    /// <summary>
    /// Header values as text whatever their wire type: the spec makes <c>:error-code</c> a string, while the SDK's
    /// own reader assumes an int32 and throws on the string, so both are accepted here.
    /// </summary>
    private static string? HeaderText(EventStreamMessage message, string name) =>
        message.Headers.TryGetValue(name, out var header)
            ? header.HeaderType switch
            {
                EventStreamHeaderType.String => header.AsString(),
                EventStreamHeaderType.Int32 => header.AsInt32().ToString(CultureInfo.InvariantCulture),
                _ => null,
            }
            : null;
}
