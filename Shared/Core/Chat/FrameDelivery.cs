using System.Text;
using Conduit.Core.Observability;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// Brings one subscribed connection up to date with its session's persisted frames. Whoever calls it (the
/// worker that just persisted a frame, or the resume of a connection) takes the subscription's lease, posts
/// every frame after its cursor in seq order, moves the cursor and lets go, then looks again for frames
/// persisted meanwhile. One deliverer at a time per connection, always from the cursor: a replay and the live
/// stream can neither overlap nor leave a gap, whichever of them runs. The live writer, on its steady path, claims
/// each frame instead with one conditional write that moves the cursor from the frame before it while no lease is held,
/// and takes the lease only when that claim fails.
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

    private readonly DeliveryGates _gates = new();

    /// <summary>Delivers what the connection has not had yet; <paramref name="latest"/> saves a read when it is the next frame.</summary>
    public async Task DeliverAsync(string sessionId, string connectionId, StoredFrame? latest, CancellationToken cancellationToken)
    {
        using (await _gates.EnterAsync(connectionId, cancellationToken).ConfigureAwait(false))
        {
            await DeliverThroughLeaseAsync(sessionId, connectionId, latest, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeliverThroughLeaseAsync(
        string sessionId, string connectionId, StoredFrame? latest, CancellationToken cancellationToken)
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
            if (outcome.Status == PostStatus.Gone)
            {
                await ForgetAsync(connectionId, cancellationToken).ConfigureAwait(false);
                return;
            }
            await subscriptions.ReleaseAsync(sessionId, connectionId, owner, outcome.Cursor, cancellationToken).ConfigureAwait(false);
            if (outcome.Status == PostStatus.Failed)
            {
                await CloseAsync(connectionId, cancellationToken).ConfigureAwait(false);
                return;
            }

            var newer = await frames.ReadAfterAsync(sessionId, outcome.Cursor, 1, cancellationToken).ConfigureAwait(false);
            if (newer.Count == 0) return;
        }
    }

    /// <summary>
    /// Delivers a frame the caller just persisted to a connection whose cursor it believes is at
    /// <paramref name="cursor"/>: claimed and posted when that is the frame before it and nobody is delivering; otherwise
    /// through the lease, from the stored cursor. Returns the cursor afterwards, or null when the caller's view of this
    /// subscription is no longer good (the lease path ran, or the connection is gone or closed).
    /// </summary>
    public async Task<long?> DeliverLiveAsync(
        string sessionId, string connectionId, long cursor, StoredFrame frame, CancellationToken cancellationToken)
    {
        using var gate = await _gates.EnterAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (cursor != frame.Seq - 1
            || !await subscriptions.TryAdvanceAsync(sessionId, connectionId, cursor, frame.Seq, time.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false))
        {
            await DeliverThroughLeaseAsync(sessionId, connectionId, frame, cancellationToken).ConfigureAwait(false);
            return null;
        }
        // The cursor moved before the post: a post that then fails closes or forgets the connection, and its client
        // resumes from the last seq it saw, so the claim never hides a frame from a connection that stays.
        var status = await PostOrReplaceAsync(connectionId, frame.Json, frame.Seq, cancellationToken).ConfigureAwait(false);
        if (status == PostStatus.Gone) await ForgetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (status == PostStatus.Failed) await CloseAsync(connectionId, cancellationToken).ConfigureAwait(false);
        return status == PostStatus.Delivered ? frame.Seq : null;
    }

    private readonly record struct Outcome(long Cursor, PostStatus Status);

    /// <summary>A backlog is compacted before posting; a single live frame goes as it was persisted.</summary>
    private async Task<Outcome> PostAsync(
        string connectionId, IReadOnlyList<StoredFrame> pending, long cursor, CancellationToken cancellationToken)
    {
        var outgoing = pending.Count == 1 ? [new OutgoingFrame(pending[0].Json, pending[0].Seq)] : FrameCompaction.Compact(pending);
        foreach (var frame in outgoing)
        {
            var status = await PostAsync(connectionId, frame.Json, frame.LastSeq, cancellationToken).ConfigureAwait(false);
            if (status == PostStatus.TooLarge)
            {
                // A joined frame that is refused goes again as the frames it joined, so a stand-in replaces one seq only.
                var joined = pending.Where(p => p.Seq > cursor && p.Seq <= frame.LastSeq).ToList();
                foreach (var single in joined)
                {
                    status = joined.Count == 1
                        ? await ReplaceAsync(connectionId, single.Json, single.Seq, cancellationToken).ConfigureAwait(false)
                        : await PostOrReplaceAsync(connectionId, single.Json, single.Seq, cancellationToken).ConfigureAwait(false);
                    if (status != PostStatus.Delivered) return new Outcome(cursor, status);
                    cursor = single.Seq;
                }
                continue;
            }
            if (status != PostStatus.Delivered) return new Outcome(cursor, status);
            cursor = frame.LastSeq;
        }
        return new Outcome(cursor, PostStatus.Delivered);
    }

    /// <summary>Posts one persisted frame; one refused as too large is replaced by its stand-in, and delivery moves past it.</summary>
    private async Task<PostStatus> PostOrReplaceAsync(string connectionId, string json, long seq, CancellationToken cancellationToken)
    {
        var status = await PostAsync(connectionId, json, seq, cancellationToken).ConfigureAwait(false);
        return status == PostStatus.TooLarge
            ? await ReplaceAsync(connectionId, json, seq, cancellationToken).ConfigureAwait(false)
            : status;
    }

    /// <summary>Posts the stand-in of a refused frame; should even that be refused, the seq is passed over rather than held.</summary>
    private async Task<PostStatus> ReplaceAsync(string connectionId, string json, long seq, CancellationToken cancellationToken)
    {
        ChatLog.FrameReplaced(logger, seq, WireSize.Of(json), connectionId);
        var standIn = OversizedFrames.ReplacementJson(json, seq);
        var status = await PostAsync(connectionId, standIn, seq, cancellationToken).ConfigureAwait(false);
        return status == PostStatus.TooLarge ? PostStatus.Delivered : status;
    }

    private async Task<PostStatus> PostAsync(string connectionId, string json, long seq, CancellationToken cancellationToken)
    {
        var result = await sender.PostAsync(connectionId, Encoding.UTF8.GetBytes(json), cancellationToken).ConfigureAwait(false);
        if (result.Status == PostStatus.Delivered) metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);
        if (result.Status == PostStatus.Failed) ChatLog.PostFailed(logger, result.Error, seq, connectionId);
        return result.Status;
    }

    /// <summary>
    /// A post that failed after the sender's own retries is not tried again and again behind every later frame: the
    /// connection is closed, and the client's resume replays from the last seq it saw. Should the close fail too, the
    /// subscription stays and the next delivery tries the frame again.
    /// </summary>
    private async Task CloseAsync(string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            await sender.DeleteAsync(connectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ChatLog.CloseFailed(logger, exception, connectionId);
            return;
        }
        await ForgetAsync(connectionId, cancellationToken).ConfigureAwait(false);
    }

    private async Task ForgetAsync(string connectionId, CancellationToken cancellationToken)
    {
        metrics.Add(MetricNames.GoneConnections, 1, MetricUnit.Count);
        await subscriptions.RemoveConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
        ChatLog.ConnectionGone(logger, connectionId);
    }
}
