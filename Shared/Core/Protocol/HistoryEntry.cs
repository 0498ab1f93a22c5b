namespace Conduit.Core.Protocol;

/// <summary>
/// A history message. One too large for a page comes in pieces on consecutive pages: each piece after the first has
/// <see cref="TextOffset"/> (where its text begins in the message's, in UTF-16 code units), and every piece but the
/// last has <see cref="Partial"/>.
/// </summary>
public sealed record HistoryEntry(long Index, string RequestId, string Role, string Text, string Status, DateTimeOffset CreatedAt)
{
    public long? TextOffset { get; init; }
    public bool? Partial { get; init; }
}
