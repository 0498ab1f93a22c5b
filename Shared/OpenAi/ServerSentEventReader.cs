using System.Text;

namespace Conduit.OpenAi;

/// <summary>One dispatched Server-Sent Event: its <c>event</c> type, if any, and its data lines joined by '\n'.</summary>
internal readonly record struct ServerSentEvent(string? EventType, string Data)
{
    public const string ErrorType = "error";
}

/// <summary>
/// Reads Server-Sent Events as the HTML living standard frames them (CR, LF or CRLF line ends; ':' comments;
/// unknown fields ignored), plus the two ways model servers report a failure outside that framing: llama.cpp's
/// <c>error: {...}</c> field and Ollama's bare JSON error object on a line of its own.
/// </summary>
internal sealed class ServerSentEventReader(Stream stream)
{
    private readonly StreamReader _lines = new(
        stream,
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        detectEncodingFromByteOrderMarks: false,
        bufferSize: 4096,
        leaveOpen: true);

    /// <summary>
    /// The next event, or null at the end of the stream. An event cut off by the end of the stream is still
    /// dispatched: some servers close right after <c>data: [DONE]</c> without the blank line.
    /// </summary>
    public async ValueTask<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? eventType = null;
        StringBuilder? data = null;
        while (true)
        {
            var line = await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null) return data is null ? null : new ServerSentEvent(eventType, data.ToString());
            if (line.Length == 0)
            {
                if (data is not null) return new ServerSentEvent(eventType, data.ToString());
                eventType = null;
                continue;
            }
            if (line[0] == ':') continue;
            if (line[0] == '{' && data is null) return new ServerSentEvent(eventType, line);

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' ')) value = value[1..];
            switch (field)
            {
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
                case "event":
                    eventType = value;
                    break;
                case ServerSentEvent.ErrorType:
                    eventType = ServerSentEvent.ErrorType;
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
            }
        }
    }
}
