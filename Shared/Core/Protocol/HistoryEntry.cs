namespace Conduit.Core.Protocol;

public sealed record HistoryEntry(long Index, string RequestId, string Role, string Text, string Status, DateTimeOffset CreatedAt);
