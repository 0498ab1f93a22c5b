using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Core.Chat;

/// <summary>
/// Publishes a turn's frames: each gets the session's next seq and is persisted before anything is posted, then
/// goes to every connection subscribed to the session. Delivery problems never fail the turn; a frame a client
/// missed (gone, dropped, slow) is replayed when it resumes.
/// </summary>
public sealed class FramePublisher(IFrameStore frames, ISubscriptionStore subscriptions, FrameDelivery delivery)
{
    public TurnFrames ForTurn(TurnReference turn) => new(this, turn);

    internal async Task<long> PublishAsync(TurnReference turn, Func<long, ServerFrame> create, CancellationToken cancellationToken)
    {
        var stored = await frames.AppendAsync(
            turn.SessionId,
            turn.RequestId,
            seq => JsonSerializer.Serialize(create(seq), CoreJsonContext.Wire.ServerFrame),
            cancellationToken).ConfigureAwait(false);
        var subscribers = await subscriptions.ListAsync(turn.SessionId, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(subscribers.Select(s => delivery.DeliverAsync(turn.SessionId, s.ConnectionId, stored, cancellationToken)))
            .ConfigureAwait(false);
        return stored.Seq;
    }
}
