using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>
/// Publishes a turn's frames: each gets the session's next seq and is persisted before anything is posted, then
/// goes to every connection subscribed to the session. Delivery problems never fail the turn; a frame a client
/// missed (gone, dropped, slow) is replayed when it resumes. Frames are built to fit API Gateway's frame quota; one
/// that still does not is persisted as its <see cref="OversizedFrames"/> stand-in, so no stored frame can stall a replay.
/// </summary>
/// <remarks>
/// A frame that may end what a writer publishes (status, sources, done, error) lists the subscribers after it is
/// persisted, so a connection that subscribes later is caught up by its own resume. Token frames come between a
/// streaming status and a done frame of the same writer, so they reuse the list and its cursors, and list again only
/// when the append's session signal says a subscription was added or reset: the steady token path reads nothing.
/// </remarks>
public sealed class FramePublisher(IFrameStore frames, ISubscriptionStore subscriptions, ITurnStore turns, FrameDelivery delivery)
{
    public TurnFrames ForTurn(TurnReference turn) => new(this, turn);

    internal async Task<long> PublishAsync(
        TurnReference turn, SessionWatch watch, bool steady, Func<long, ServerFrame> create, CancellationToken cancellationToken)
    {
        var appended = await frames.AppendAsync(
            turn.SessionId, turn.RequestId, seq => Render(turn, seq, create(seq)), cancellationToken).ConfigureAwait(false);
        var stored = appended.Frame;
        watch.Appended(appended.SessionSignal);
        if (!steady || !watch.IsCurrent(appended.SessionSignal))
        {
            var subscribers = await subscriptions.ListAsync(turn.SessionId, cancellationToken).ConfigureAwait(false);
            watch.Listed(subscribers, appended.SessionSignal);
        }
        var outcomes = await Task.WhenAll(watch.Cursors().Select(async subscriber =>
        {
            var (connectionId, cursor) = (subscriber.Key, subscriber.Value);
            var moved = await delivery.DeliverLiveAsync(turn.SessionId, connectionId, cursor, stored, cancellationToken)
                .ConfigureAwait(false);
            return (connectionId, moved);
        })).ConfigureAwait(false);
        watch.Delivered(outcomes);
        return stored.Seq;
    }

    /// <summary>Reads the turn's cancel flag only when the watch cannot vouch that nothing changed since the last read.</summary>
    internal async Task<bool> CancelRequestedAsync(TurnReference turn, SessionWatch watch, CancellationToken cancellationToken)
    {
        if (!watch.MustReadCancel(out var baseline)) return false;
        var requested = await turns.IsCancelRequestedAsync(turn.Key, cancellationToken).ConfigureAwait(false);
        if (!requested) watch.CancelChecked(baseline);
        return requested;
    }

    private static string Render(TurnReference turn, long seq, ServerFrame frame)
    {
        var json = OversizedFrames.Serialize(frame);
        var bytes = WireSize.Of(json);
        return bytes <= ProtocolLimits.MaxFrameBytes
            ? json
            : OversizedFrames.Serialize(OversizedFrames.Replacement(turn.RequestId, turn.SessionId, seq, bytes));
    }
}
