using System.Text;
using System.Text.Json;

namespace Conduit.Shared.Protocol;

public sealed record ProtocolLimits
{
    public const int DefaultMaxTextLength = 16_000;

    /// <summary>Longest accepted message text, counted in Unicode scalar values (what a person calls characters).</summary>
    public int MaxTextLength { get; init; } = DefaultMaxTextLength;
}

/// <summary>Either a parsed client message or the error frame that explains why it is not one.</summary>
public readonly record struct Parsed<T>(T? Value, ErrorFrame? Error) where T : class
{
    public static Parsed<T> Ok(T value) => new(value, null);

    public static Parsed<T> Fail(ErrorFrame error) => new(null, error);
}

/// <summary>
/// Reads client frames strictly: one JSON object, no duplicate keys, bounded depth, every field of the right type.
/// Each rejection names the field and the rule, so a client author can fix the frame from the message alone.
/// </summary>
public static class ProtocolParser
{
    public const int MaxIdentifierLength = 80;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>The route API Gateway would select with <c>$request.body.action</c>.</summary>
    public static string SelectRoute(string? body, bool isBase64Encoded)
    {
        if (isBase64Encoded || string.IsNullOrEmpty(body)) return RouteKeys.Default;
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("action", out var action)
                && action.ValueKind == JsonValueKind.String
                && action.GetString() is { } name
                && RouteKeys.MessageRoutes.Contains(name)
                    ? name
                    : RouteKeys.Default;
        }
        catch (JsonException)
        {
            return RouteKeys.Default;
        }
    }

    /// <summary>Explains why a frame reached the <c>$default</c> route.</summary>
    public static ErrorFrame DescribeUnrouted(string? body, bool isBase64Encoded)
    {
        if (isBase64Encoded) return Error(ErrorCodes.UnsupportedFrame, "Binary frames are not part of the protocol; send JSON text frames.");
        return WithObject(body, static root =>
        {
            if (!root.TryGetProperty("action", out var action)) return Error(ErrorCodes.MissingField, "The frame has no \"action\" field.");
            if (action.ValueKind != JsonValueKind.String) return Error(ErrorCodes.InvalidField, "\"action\" must be a string.");
            return Error(ErrorCodes.UnknownAction, $"Unknown action \"{Printable(action.GetString())}\". Known actions: sendMessage, ping.");
        })!;
    }

    public static Parsed<SendMessageCommand> ParseSendMessage(string? body, bool isBase64Encoded, ProtocolLimits limits)
    {
        if (isBase64Encoded) return Parsed<SendMessageCommand>.Fail(Error(ErrorCodes.UnsupportedFrame, "Binary frames are not part of the protocol; send JSON text frames."));
        ErrorFrame? error = null;
        SendMessageCommand? command = null;
        error = WithObject(body, root =>
        {
            var requestId = ReadIdentifier(root, "requestId", required: true, out var requestIdError);
            if (requestIdError is not null) return requestIdError;
            var sessionId = ReadIdentifier(root, "sessionId", required: false, out var sessionIdError);
            if (sessionIdError is not null) return sessionIdError with { RequestId = requestId };
            var textError = ReadText(root, limits, out var text);
            if (textError is not null) return textError with { RequestId = requestId };
            command = new SendMessageCommand(requestId!, sessionId, text!);
            return null;
        });
        return error is null ? Parsed<SendMessageCommand>.Ok(command!) : Parsed<SendMessageCommand>.Fail(error);
    }

    private static ErrorFrame? WithObject(string? body, Func<JsonElement, ErrorFrame?> read)
    {
        if (string.IsNullOrWhiteSpace(body)) return Error(ErrorCodes.InvalidJson, "The frame is empty; send a JSON object.");
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Error(ErrorCodes.InvalidJson, "The frame must be a JSON object.");
            return read(document.RootElement);
        }
        catch (JsonException exception)
        {
            return Error(ErrorCodes.InvalidJson, $"The frame is not valid JSON: {FirstSentence(exception.Message)}");
        }
    }

    private static string? ReadIdentifier(JsonElement root, string name, bool required, out ErrorFrame? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required) error = Error(ErrorCodes.MissingField, $"\"{name}\" is required.");
            return null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            error = Error(ErrorCodes.InvalidField, $"\"{name}\" must be a string.");
            return null;
        }
        var value = element.GetString()!;
        if (!IsIdentifier(value))
        {
            error = Error(ErrorCodes.InvalidField, $"\"{name}\" must be 1 to {MaxIdentifierLength} characters of A-Z, a-z, 0-9, '-' or '_'.");
            return null;
        }
        return value;
    }

    private static ErrorFrame? ReadText(JsonElement root, ProtocolLimits limits, out string? text)
    {
        text = null;
        if (!root.TryGetProperty("text", out var element) || element.ValueKind == JsonValueKind.Null)
            return Error(ErrorCodes.MissingField, "\"text\" is required.");
        if (element.ValueKind != JsonValueKind.String) return Error(ErrorCodes.InvalidField, "\"text\" must be a string.");
        string value;
        try
        {
            value = element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Error(ErrorCodes.InvalidField, "\"text\" is not valid Unicode (it holds an unpaired surrogate).");
        }
        if (!IsWellFormed(value)) return Error(ErrorCodes.InvalidField, "\"text\" is not valid Unicode (it holds an unpaired surrogate).");
        if (string.IsNullOrWhiteSpace(value)) return Error(ErrorCodes.EmptyText, "\"text\" is empty.");
        var length = CountCharacters(value);
        if (length > limits.MaxTextLength)
            return Error(ErrorCodes.TextTooLong, $"\"text\" has {length} characters; the limit is {limits.MaxTextLength}.");
        text = value;
        return null;
    }

    public static bool IsIdentifier(string value)
    {
        if (value.Length is 0 or > MaxIdentifierLength) return false;
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        }
        return true;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }

    private static int CountCharacters(string value)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes()) count++;
        return count;
    }

    private static string Printable(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var builder = new StringBuilder();
        foreach (var rune in value.EnumerateRunes())
        {
            if (builder.Length >= 40)
            {
                builder.Append('…');
                break;
            }
            builder.Append(Rune.IsControl(rune) ? "?" : rune.ToString());
        }
        return builder.ToString();
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static ErrorFrame Error(string code, string message) => new(code, message, null, Retryable: false);
}
