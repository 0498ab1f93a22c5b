using System.Text.Json;
using Conduit.Shared.Contracts;
using Conduit.Shared.Ports;
using Conduit.Shared.Protocol;
using Conduit.Shared.Serialization;

namespace Conduit.Shared.Chat;

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
            seq => JsonSerializer.Serialize(create(seq), SharedJsonContext.Wire.ServerFrame),
            cancellationToken).ConfigureAwait(false);
        var subscribers = await subscriptions.ListAsync(turn.SessionId, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(subscribers.Select(s => delivery.DeliverAsync(turn.SessionId, s.ConnectionId, stored, cancellationToken))).ConfigureAwait(false);
        return stored.Seq;
    }
}

/// <summary>The frames of one turn.</summary>
public sealed class TurnFrames
{
    private readonly FramePublisher _publisher;

    internal TurnFrames(FramePublisher publisher, TurnReference turn)
    {
        _publisher = publisher;
        Turn = turn;
    }

    public TurnReference Turn { get; }

    public Task<long> StatusAsync(string phase, string message, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new StatusFrame(Turn.RequestId, Turn.SessionId, seq, phase, message), cancellationToken);

    public Task<long> TokenAsync(string text, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new TokenFrame(Turn.RequestId, Turn.SessionId, seq, text), cancellationToken);

    public Task<long> SourcesAsync(IReadOnlyList<SourceReference> passages, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new SourcesFrame(Turn.RequestId, Turn.SessionId, seq, passages), cancellationToken);

    public Task<long> DoneAsync(string stopReason, TokenUsage usage, string model, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new DoneFrame(Turn.RequestId, Turn.SessionId, seq, stopReason, usage, model), cancellationToken);

    public Task<long> ErrorAsync(string code, string message, bool retryable, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new ErrorFrame(code, message, Turn.RequestId, retryable) { SessionId = Turn.SessionId, Seq = seq }, cancellationToken);
}
