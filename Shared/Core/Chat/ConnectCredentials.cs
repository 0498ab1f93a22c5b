namespace Conduit.Core.Chat;

/// <summary>What a client presents when it connects: a token, and the subprotocol to answer with.</summary>
public sealed record ConnectCredentials(string? Token, string? Subprotocol)
{
    /// <summary>The protocol name a client offers next to its token, and the one the server selects.</summary>
    public const string ProtocolName = "conduit.v1";

    /// <summary>
    /// Browsers cannot set headers on a WebSocket, so a token travels as a second subprotocol
    /// (<c>Sec-WebSocket-Protocol: conduit.v1, &lt;token&gt;</c>) or in the <c>token</c> query parameter. The header is
    /// preferred: query strings are written to access logs. The handshake must answer with a subprotocol the
    /// client offered, so <see cref="ProtocolName"/> is selected when it was offered.
    /// </summary>
    public static ConnectCredentials Read(IReadOnlyDictionary<string, string>? headers, IReadOnlyDictionary<string, string>? query)
    {
        var offered = headers?.FirstOrDefault(h => h.Key.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase)).Value?
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        var fromHeader = offered.FirstOrDefault(p => p != ProtocolName);
        var fromQuery = query?.GetValueOrDefault("token");
        return new ConnectCredentials(
            fromHeader ?? (string.IsNullOrEmpty(fromQuery) ? null : fromQuery),
            offered.Contains(ProtocolName) ? ProtocolName : null);
    }
}
