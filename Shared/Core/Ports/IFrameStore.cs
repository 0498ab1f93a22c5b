namespace Conduit.Core.Ports;

public interface IFrameStore
{
    /// <summary>
    /// Allocates the session's next seq and persists the frame <paramref name="render"/> makes for it, atomically:
    /// a seq is never skipped and never given twice. The seq comes from the session's counter in a write that also
    /// returns the session's signal.
    /// </summary>
    Task<AppendedFrame> AppendAsync(string sessionId, string requestId, Func<long, string> render, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredFrame>> ReadAfterAsync(string sessionId, long afterSeq, int maxCount, CancellationToken cancellationToken);
}
