namespace Conduit.Core.Protocol;

public sealed record HistoryQuery(string SessionId, long AfterSeq, long AfterIndex, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>Where the text of message <c>AfterIndex + 1</c> continues, when an earlier page carried only its beginning.</summary>
    public long TextOffset { get; init; }
}
