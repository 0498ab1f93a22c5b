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
public sealed class FramePublisher(IFrameStore frames, ISubscriptionStore subscriptions, FrameDelivery delivery)
{
    public TurnFrames ForTurn(TurnReference turn) => new(this, turn);

    internal async Task<long> PublishAsync(TurnReference turn, Func<long, ServerFrame> create, CancellationToken cancellationToken)
    {
        var stored = await frames.AppendAsync(turn.SessionId, turn.RequestId, seq => Render(turn, seq, create(seq)), cancellationToken)
            .ConfigureAwait(false);
        var subscribers = await subscriptions.ListAsync(turn.SessionId, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(subscribers.Select(s => delivery.DeliverAsync(turn.SessionId, s.ConnectionId, stored, cancellationToken)))
            .ConfigureAwait(false);
        return stored.Seq;
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
