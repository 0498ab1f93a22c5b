using System.Text;
using System.Text.Json;

namespace Conduit.Core.Protocol;

/// <summary>
/// Reads client frames strictly: one JSON object, no duplicate keys, bounded depth, every field of the right type.
/// Each rejection names the field and the rule, so a client author can fix the frame from the message alone.
/// </summary>
public static class ProtocolParser
{
    public const int MaxIdentifierLength = 80;

    /// <summary>
    /// The largest seq or message index a client may name: 2^53 - 1, the largest whole number every JSON client
    /// (JavaScript included) holds exactly. Far above any real position, and far enough below long.MaxValue that a
    /// page's end (position + limit) cannot overflow.
    /// </summary>
    public const long MaxPosition = 9_007_199_254_740_991;

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
                && ReadString(action) is { } name
                && RouteKeys.MessageRoutes.Contains(name)
                    ? name
                    : RouteKeys.Default;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            return RouteKeys.Default;
        }
    }

    /// <summary>Explains why a frame reached the <c>$default</c> route.</summary>
    public static ErrorFrame DescribeUnrouted(string? body, bool isBase64Encoded)
    {
        if (isBase64Encoded) return BinaryFrameError();
        return WithObject(body, static root =>
        {
            if (!root.TryGetProperty("action", out var action)) return Error(ErrorCodes.MissingField, "The frame has no \"action\" field.");
            if (action.ValueKind != JsonValueKind.String) return Error(ErrorCodes.InvalidField, "\"action\" must be a string.");
            return Error(
                ErrorCodes.UnknownAction,
                $"Unknown action \"{Printable(ReadString(action))}\". Known actions: "
                + "sendMessage, ping, resume, cancel, history, listSessions, renameSession, deleteSession.");
        })!;
    }

    public static Parsed<SendMessageCommand> ParseSendMessage(string? body, bool isBase64Encoded, ProtocolLimits limits) =>
        Parse<SendMessageCommand>(body, isBase64Encoded, root =>
        {
            var requestId = ReadIdentifier(root, "requestId", required: true, out var error);
            if (error is not null) return (null, error);
            var sessionId = ReadIdentifier(root, "sessionId", required: false, out error);
            if (error is not null) return (null, error with { RequestId = requestId });
            error = ReadText(root, limits, out var text);
            return error is not null
                ? (null, error with { RequestId = requestId })
                : (new SendMessageCommand(requestId!, sessionId, text!), null);
        });

    public static Parsed<ResumeCommand> ParseResume(string? body, bool isBase64Encoded) =>
        Parse<ResumeCommand>(body, isBase64Encoded, root =>
        {
            var sessionId = ReadIdentifier(root, "sessionId", required: true, out var error);
            if (error is not null) return (null, error);
            var afterSeq = ReadWholeNumber(root, "afterSeq", required: true, fallback: 0, max: MaxPosition, out error);
            return error is not null ? (null, error) : (new ResumeCommand(sessionId!, afterSeq), null);
        });

    public static Parsed<CancelCommand> ParseCancel(string? body, bool isBase64Encoded) =>
        Parse<CancelCommand>(body, isBase64Encoded, root =>
        {
            var requestId = ReadIdentifier(root, "requestId", required: true, out var error);
            return error is not null ? (null, error) : (new CancelCommand(requestId!), null);
        });

    public static Parsed<HistoryQuery> ParseHistory(string? body, bool isBase64Encoded) =>
        Parse<HistoryQuery>(body, isBase64Encoded, root =>
        {
            var sessionId = ReadIdentifier(root, "sessionId", required: true, out var error);
            if (error is not null) return (null, error);
            var afterSeq = ReadWholeNumber(root, "afterSeq", required: false, fallback: 0, max: MaxPosition, out error);
            if (error is not null) return (null, error);
            var afterIndex = ReadWholeNumber(root, "afterIndex", required: false, fallback: 0, max: MaxPosition, out error);
            if (error is not null) return (null, error);
            var limit = ReadWholeNumber(
                root, "limit", required: false, fallback: HistoryQuery.DefaultLimit, max: HistoryQuery.MaxLimit, out error);
            if (error is not null) return (null, error);
            var textOffset = ReadWholeNumber(root, "textOffset", required: false, fallback: 0, max: long.MaxValue, out error);
            if (error is not null) return (null, error);
            return limit == 0
                ? (null, Error(ErrorCodes.InvalidField, $"\"limit\" must be from 1 to {HistoryQuery.MaxLimit}."))
                : (new HistoryQuery(sessionId!, afterSeq, afterIndex, (int)limit) { TextOffset = textOffset }, null);
        });

    public static Parsed<ListSessionsCommand> ParseListSessions(string? body, bool isBase64Encoded) =>
        Parse<ListSessionsCommand>(body, isBase64Encoded, root =>
        {
            var limit = ReadWholeNumber(
                root, "limit", required: false, fallback: ListSessionsCommand.DefaultLimit, max: ListSessionsCommand.MaxLimit,
                out var error);
            if (error is not null) return (null, error);
            if (limit == 0) return (null, Error(ErrorCodes.InvalidField, $"\"limit\" must be from 1 to {ListSessionsCommand.MaxLimit}."));
            if (!root.TryGetProperty("cursor", out var cursor) || cursor.ValueKind == JsonValueKind.Null)
                return (new ListSessionsCommand(null, (int)limit), null);
            return cursor.ValueKind == JsonValueKind.String && ReadString(cursor) is { Length: > 0 } text
                ? (new ListSessionsCommand(text, (int)limit), null)
                : (null, Error(ErrorCodes.InvalidField, "\"cursor\" must be the nextCursor of the previous sessions frame."));
        });

    public static Parsed<RenameSessionCommand> ParseRenameSession(string? body, bool isBase64Encoded) =>
        Parse<RenameSessionCommand>(body, isBase64Encoded, root =>
        {
            var sessionId = ReadIdentifier(root, "sessionId", required: true, out var error);
            if (error is not null) return (null, error);
            if (!root.TryGetProperty("title", out var element) || element.ValueKind == JsonValueKind.Null)
                return (null, Error(ErrorCodes.MissingField, "\"title\" is required."));
            if (element.ValueKind != JsonValueKind.String) return (null, Error(ErrorCodes.InvalidField, "\"title\" must be a string."));
            var title = ReadString(element);
            if (title is null || !IsWellFormed(title) || title.EnumerateRunes().Any(Rune.IsControl))
                return (null, Error(ErrorCodes.InvalidField, "\"title\" must be valid Unicode text on one line."));
            title = title.Trim();
            if (title.Length == 0) return (null, Error(ErrorCodes.EmptyText, "\"title\" is empty."));
            var length = CountCharacters(title);
            return length > RenameSessionCommand.MaxTitleLength
                ? (null, Error(
                    ErrorCodes.TextTooLong, $"\"title\" has {length} characters; the limit is {RenameSessionCommand.MaxTitleLength}."))
                : (new RenameSessionCommand(sessionId!, title), null);
        });

    public static Parsed<DeleteSessionCommand> ParseDeleteSession(string? body, bool isBase64Encoded) =>
        Parse<DeleteSessionCommand>(body, isBase64Encoded, root =>
        {
            var sessionId = ReadIdentifier(root, "sessionId", required: true, out var error);
            return error is not null ? (null, error) : (new DeleteSessionCommand(sessionId!), null);
        });

    private static Parsed<T> Parse<T>(string? body, bool isBase64Encoded, Func<JsonElement, (T? Value, ErrorFrame? Error)> read)
        where T : class
    {
        if (isBase64Encoded) return Parsed<T>.Fail(BinaryFrameError());
        T? value = null;
        var error = WithObject(body, root =>
        {
            var (parsed, failure) = read(root);
            value = parsed;
            return failure;
        });
        return error is null ? Parsed<T>.Ok(value!) : Parsed<T>.Fail(error);
    }

    private static long ReadWholeNumber(JsonElement root, string name, bool required, long fallback, long max, out ErrorFrame? error)
    {
        error = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required) error = Error(ErrorCodes.MissingField, $"\"{name}\" is required.");
            return fallback;
        }
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value >= 0 && value <= max) return value;
        error = Error(ErrorCodes.InvalidField, $"\"{name}\" must be a whole number from 0 to {max}.");
        return fallback;
    }

    private static ErrorFrame? WithObject(string? body, Func<JsonElement, ErrorFrame?> read)
    {
        if (string.IsNullOrWhiteSpace(body)) return Error(ErrorCodes.InvalidJson, "The frame is empty; send a JSON object.");
        try
        {
            using var document = JsonDocument.Parse(body, DocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                return Error(ErrorCodes.InvalidJson, "The frame must be a JSON object.");
            return read(document.RootElement);
        }
        catch (JsonException exception)
        {
            return Error(ErrorCodes.InvalidJson, $"The frame is not valid JSON: {FirstSentence(exception.Message)}");
        }
        catch (ArgumentException)
        {
            return Error(ErrorCodes.InvalidJson, "The frame is not valid Unicode text (it holds an unpaired surrogate).");
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
        if (ReadString(element) is not { } value || !IsIdentifier(value))
        {
            error = Error(
                ErrorCodes.InvalidField, $"\"{name}\" must be 1 to {MaxIdentifierLength} characters of A-Z, a-z, 0-9, '-' or '_'.");
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
        if (ReadString(element) is not { } value || !IsWellFormed(value))
            return Error(ErrorCodes.InvalidField, "\"text\" is not valid Unicode (it holds an unpaired surrogate).");
        if (string.IsNullOrWhiteSpace(value)) return Error(ErrorCodes.EmptyText, "\"text\" is empty.");
        var length = CountCharacters(value);
        if (length > limits.MaxTextLength)
            return Error(ErrorCodes.TextTooLong, $"\"text\" has {length} characters; the limit is {limits.MaxTextLength}.");
        text = value;
        return null;
    }

    /// <summary>The string, or null when its escapes spell an unpaired surrogate, which .NET strings cannot hold safely.</summary>
    private static string? ReadString(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
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

    private static ErrorFrame BinaryFrameError() =>
        Error(ErrorCodes.UnsupportedFrame, "Binary frames are not part of the protocol; send JSON text frames.");
}
