namespace Conduit.Core.Ports;

public interface IHistoryStore
{
    /// <summary>
    /// Appends the message once per (session, requestId, role) and returns its index (from 1); appending the
    /// same message again, as a retried worker does, returns the first index and changes nothing.
    /// </summary>
    Task<long> AppendAsync(
        string sessionId, string requestId, string role, string text, string status, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="maxCount"/> messages with index ≤ <paramref name="lastIndex"/>, oldest first.</summary>
    Task<IReadOnlyList<HistoryMessage>> ReadLatestAsync(
        string sessionId, long lastIndex, int maxCount, CancellationToken cancellationToken);

    /// <summary>Messages with index in [<paramref name="firstIndex"/>, <paramref name="lastIndex"/>], oldest first.</summary>
    Task<IReadOnlyList<HistoryMessage>> ReadRangeAsync(
        string sessionId, long firstIndex, long lastIndex, CancellationToken cancellationToken);
}
