using System.Text.Json;

namespace Conduit.Tests.Support;

/// <summary>What a client checks of a received frame by the protocol's rules.</summary>
public static class ChatFrames
{
    /// <summary>The frame is of <paramref name="type"/> and, when a request id is given, of that request.</summary>
    public static bool Is(JsonElement frame, string type, string? requestId = null) =>
        frame.GetProperty("type").GetString() == type
        && (requestId is null || (frame.TryGetProperty("requestId", out var id) && id.GetString() == requestId));

    /// <summary>The turn's <c>done</c>, or an <c>error</c> of the turn (one with a seq: the others refuse a frame).</summary>
    public static bool EndsTurn(JsonElement frame, string requestId) =>
        Is(frame, "done", requestId) || (Is(frame, "error", requestId) && frame.TryGetProperty("seq", out _));
}
