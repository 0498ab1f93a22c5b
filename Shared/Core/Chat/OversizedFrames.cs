using System.Text.Json;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Core.Chat;

/// <summary>
/// The stand-in for a frame too large to post: a small error frame with the same seq, so the client's seq coverage
/// stays gap-free, delivery moves past it and the turn goes on (its whole answer is in history).
/// </summary>
internal static class OversizedFrames
{
    public static ErrorFrame Replacement(string? requestId, string? sessionId, long seq, int bytes) =>
        new(
            ErrorCodes.FrameTooLarge,
            $"Frame {seq} ({bytes} bytes) was too large to deliver; the turn goes on, and its whole answer is in history.",
            requestId,
            Retryable: false)
        {
            SessionId = sessionId,
            Seq = seq,
        };

    /// <summary>The stand-in for a persisted frame, naming its turn when the frame does.</summary>
    public static string ReplacementJson(string json, long seq)
    {
        string? requestId = null;
        string? sessionId = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            requestId = ReadString(document.RootElement, "requestId");
            sessionId = ReadString(document.RootElement, "sessionId");
        }
        catch (JsonException)
        {
            // A frame that is not JSON still gets its stand-in, without the turn's ids.
        }
        return Serialize(Replacement(requestId, sessionId, seq, WireSize.Of(json)));
    }

    public static string Serialize(ServerFrame frame) => JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame);

    private static string? ReadString(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
