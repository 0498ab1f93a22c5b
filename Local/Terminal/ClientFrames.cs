using System.Buffers;
using System.Text.Json;

namespace Conduit.Local.Terminal;

/// <summary>The client → server frames the terminal sends, as UTF-8 JSON.</summary>
internal static class ClientFrames
{
    public static ReadOnlyMemory<byte> SendMessage(string requestId, string? sessionId, string text) => Write(writer =>
    {
        writer.WriteString("action", "sendMessage");
        writer.WriteString("requestId", requestId);
        if (sessionId is not null) writer.WriteString("sessionId", sessionId);
        writer.WriteString("text", text);
    });

    public static ReadOnlyMemory<byte> Resume(string sessionId, long afterSeq) => Write(writer =>
    {
        writer.WriteString("action", "resume");
        writer.WriteString("sessionId", sessionId);
        writer.WriteNumber("afterSeq", afterSeq);
    });

    public static ReadOnlyMemory<byte> Cancel(string requestId) => Write(writer =>
    {
        writer.WriteString("action", "cancel");
        writer.WriteString("requestId", requestId);
    });

    /// <summary>The smallest history page: it answers with the session's last seq, which a resume needs.</summary>
    public static ReadOnlyMemory<byte> LastSeqProbe(string sessionId) => Write(writer =>
    {
        writer.WriteString("action", "history");
        writer.WriteString("sessionId", sessionId);
        writer.WriteNumber("limit", 1);
    });

    private static ReadOnlyMemory<byte> Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenMemory;
    }
}
