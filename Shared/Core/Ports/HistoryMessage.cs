namespace Conduit.Core.Ports;

public sealed record HistoryMessage(
    string SessionId,
    long Index,
    string RequestId,
    string Role,
    string Text,
    DateTimeOffset CreatedAt)
{
    public string Status { get; init; } = MessageStatuses.Complete;
}
