using System.Globalization;
using Conduit.Core.Protocol;

namespace Conduit.Core.Ports;

/// <summary>
/// Where a conversation list page ended: the last session's creation time (Unix milliseconds) and id, which together
/// order sessions created in the same millisecond. On the wire it is <c>"&lt;ms&gt;.&lt;sessionId&gt;"</c>, opaque to clients.
/// </summary>
public sealed record SessionCursor(long CreatedAtMilliseconds, string SessionId)
{
    public static SessionCursor After(SessionSummary last) => new(last.CreatedAt.ToUnixTimeMilliseconds(), last.SessionId);

    public static SessionCursor? TryParse(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot is < 1 or > 15) return null;
        return long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            && ProtocolParser.IsIdentifier(text[(dot + 1)..])
                ? new SessionCursor(milliseconds, text[(dot + 1)..])
                : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CreatedAtMilliseconds}.{SessionId}");
}
