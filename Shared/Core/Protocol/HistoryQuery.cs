namespace Conduit.Core.Protocol;

/// <summary>
/// A page request. Positions beyond <see cref="ProtocolParser.MaxPosition"/> read as that position, past the end of any
/// session: the socket's parser refuses them, and this keeps every other caller (the local HTTP endpoint) from
/// overflowing the page's arithmetic into a page of everything.
/// </summary>
public sealed record HistoryQuery(string SessionId, long AfterSeq, long AfterIndex, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public long AfterSeq { get; init; } = Math.Min(AfterSeq, ProtocolParser.MaxPosition);

    public long AfterIndex { get; init; } = Math.Min(AfterIndex, ProtocolParser.MaxPosition);

    /// <summary>Where the text of message <c>AfterIndex + 1</c> continues, when an earlier page carried only its beginning.</summary>
    public long TextOffset { get; init; }
}
