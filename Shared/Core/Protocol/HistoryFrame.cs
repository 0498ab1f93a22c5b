using System.Text.Json;

namespace Conduit.Core.Protocol;

/// <summary>
/// A page of a session for clients that cannot keep a socket: messages after an index and frames after a seq.
/// <see cref="More"/> says a further page exists; ask again from <see cref="NextAfterIndex"/> and <see cref="NextAfterSeq"/>,
/// and with <see cref="NextTextOffset"/> as <c>textOffset</c> when it is set (the page ended inside a message).
/// </summary>
public sealed record HistoryFrame(
    string SessionId,
    IReadOnlyList<HistoryEntry> Messages,
    IReadOnlyList<JsonElement> Frames,
    long LastSeq,
    long NextAfterIndex,
    long NextAfterSeq,
    bool More) : ServerFrame
{
    public long? NextTextOffset { get; init; }
}
