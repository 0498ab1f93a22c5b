using System.Text;
using Conduit.Core.Observability;
using Conduit.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// Brings one subscribed connection up to date with its session's persisted frames. Whoever calls it (the
/// worker that just persisted a frame, or the resume of a connection) takes the subscription's lease, posts
/// every frame after its cursor in seq order, moves the cursor and lets go, then looks again for frames
/// persisted meanwhile. One deliverer at a time per connection, always from the cursor: a replay and the live
/// stream can neither overlap nor leave a gap, whichever of them runs.
/// </summary>
public sealed class FrameDelivery(
    IFrameStore frames,
    ISubscriptionStore subscriptions,
    IConnectionSender sender,
    IConnectionStore connections,
    IMetrics metrics,
    TimeProvider time,
    ILogger<FrameDelivery> logger)
{
    private const int BatchSize = 500;

    /// <summary>Longer than any batch takes to post, so a live holder never loses its lease mid-batch.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Delivers what the connection has not had yet; <paramref name="latest"/> saves a read when it is the next frame.</summary>
    public async Task DeliverAsync(string sessionId, string connectionId, StoredFrame? latest, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        while (true)
        {
            var now = time.GetUtcNow();
            var subscription = await subscriptions.TryLeaseAsync(sessionId, connectionId, owner, now, now + Lease, cancellationToken)
                .ConfigureAwait(false);
            if (subscription is null) return;

            var cursor = subscription.DeliveredSeq;
            IReadOnlyList<StoredFrame> pending = latest is not null && latest.Seq == cursor + 1
                ? [latest]
                : await frames.ReadAfterAsync(sessionId, cursor, BatchSize, cancellationToken).ConfigureAwait(false);
            latest = null;

            var outcome = await PostAsync(connectionId, pending, cursor, cancellationToken).ConfigureAwait(false);
            if (outcome.Gone)
            {
                await ForgetAsync(connectionId, cancellationToken).ConfigureAwait(false);
                return;
            }
            await subscriptions.ReleaseAsync(sessionId, connectionId, owner, outcome.Cursor, cancellationToken).ConfigureAwait(false);
            if (outcome.Failed) return;

            var newer = await frames.ReadAfterAsync(sessionId, outcome.Cursor, 1, cancellationToken).ConfigureAwait(false);
            if (newer.Count == 0) return;
        }
    }

    private readonly record struct Outcome(long Cursor, bool Gone, bool Failed);

    /// <summary>A backlog is compacted before posting; a single live frame goes as it was persisted.</summary>
    private async Task<Outcome> PostAsync(
        string connectionId, IReadOnlyList<StoredFrame> pending, long cursor, CancellationToken cancellationToken)
    {
        var outgoing = pending.Count == 1 ? [new OutgoingFrame(pending[0].Json, pending[0].Seq)] : FrameCompaction.Compact(pending);
        foreach (var frame in outgoing)
        {
            var result = await sender.PostAsync(connectionId, Encoding.UTF8.GetBytes(frame.Json), cancellationToken).ConfigureAwait(false);
            if (result.Status == PostStatus.Gone) return new Outcome(cursor, Gone: true, Failed: false);
            if (result.Status == PostStatus.Failed)
            {
                ChatLog.PostFailed(logger, result.Error, frame.LastSeq, connectionId);
                return new Outcome(cursor, Gone: false, Failed: true);
            }
            metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);
            cursor = frame.LastSeq;
        }
        return new Outcome(cursor, Gone: false, Failed: false);
    }

    private async Task ForgetAsync(string connectionId, CancellationToken cancellationToken)
    {
        metrics.Add(MetricNames.GoneConnections, 1, MetricUnit.Count);
        await subscriptions.RemoveConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
        ChatLog.ConnectionGone(logger, connectionId);
    }
}
