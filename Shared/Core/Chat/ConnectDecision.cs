namespace Conduit.Core.Chat;

/// <summary>Whether a WebSocket may open; a refusal becomes the handshake's HTTP status.</summary>
public sealed record ConnectDecision(int StatusCode, string? Reason, string? Subprotocol)
{
    public static ConnectDecision Accept(string? subprotocol) => new(200, null, subprotocol);

    public static ConnectDecision Refuse(int statusCode, string reason) => new(statusCode, reason, null);
}
