namespace Conduit.Core.Protocol;

public sealed record HistoryQuery(string SessionId, long AfterSeq, long AfterIndex, int Limit)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
}
