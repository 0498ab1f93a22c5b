using System.Net.Http;
using System.Text;
using System.Text.Json;
using Conduit.Shared.Aws;
using Conduit.Shared.Contracts;
using Conduit.Shared.Observability;
using Conduit.Shared.Ports;
using Conduit.Shared.Protocol;
using Conduit.Shared.Serialization;
using Microsoft.Extensions.Logging;

namespace Conduit.Shared.Chat;

/// <summary>
/// Publishes a turn's frames: each gets the session's next seq and is persisted before it is posted, so a frame
/// a client missed (gone, dropped, slow) can always be replayed; delivery problems never fail the turn.
/// </summary>
public sealed class FramePublisher(IFrameStore frames, IConnectionSender sender, IConnectionStore connections, IMetrics metrics, ILogger<FramePublisher> logger)
{
    public TurnFrames ForTurn(TurnReference turn) => new(this, turn);

    internal async Task<long> PublishAsync(TurnFrames target, Func<long, ServerFrame> create, CancellationToken cancellationToken)
    {
        var turn = target.Turn;
        var stored = await frames.AppendAsync(
            turn.SessionId,
            turn.RequestId,
            seq => JsonSerializer.Serialize(create(seq), SharedJsonContext.Wire.ServerFrame),
            cancellationToken).ConfigureAwait(false);
        if (!target.ConnectionGone) await DeliverAsync(target, stored, cancellationToken).ConfigureAwait(false);
        return stored.Seq;
    }

    private async Task DeliverAsync(TurnFrames target, StoredFrame frame, CancellationToken cancellationToken)
    {
        var connectionId = target.Turn.ConnectionId;
        try
        {
            var result = await sender.PostAsync(connectionId, Encoding.UTF8.GetBytes(frame.Json), cancellationToken).ConfigureAwait(false);
            if (result == PostResult.Delivered)
            {
                metrics.Add(MetricNames.FramesPosted, 1, MetricUnit.Count);
                return;
            }
            target.ConnectionGone = true;
            metrics.Add(MetricNames.GoneConnections, 1, MetricUnit.Count);
            await connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Connection {ConnectionId} is gone; turn {RequestId} goes on and its frames stay persisted from seq {Seq}",
                connectionId, target.Turn.RequestId, frame.Seq);
        }
        catch (Exception exception) when (exception is AwsServiceException or HttpRequestException)
        {
            logger.LogWarning(exception, "Posting frame {Seq} of turn {RequestId} to {ConnectionId} failed; it stays persisted for replay",
                frame.Seq, target.Turn.RequestId, connectionId);
        }
    }
}

/// <summary>The frames of one turn, as one worker invocation publishes them.</summary>
public sealed class TurnFrames
{
    private readonly FramePublisher _publisher;

    internal TurnFrames(FramePublisher publisher, TurnReference turn)
    {
        _publisher = publisher;
        Turn = turn;
    }

    public TurnReference Turn { get; }

    /// <summary>Once a post finds the connection gone, later frames of this invocation are only persisted.</summary>
    internal bool ConnectionGone { get; set; }

    public Task<long> StatusAsync(string phase, string message, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(this, seq => new StatusFrame(Turn.RequestId, Turn.SessionId, seq, phase, message), cancellationToken);

    public Task<long> TokenAsync(string text, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(this, seq => new TokenFrame(Turn.RequestId, Turn.SessionId, seq, text), cancellationToken);

    public Task<long> SourcesAsync(IReadOnlyList<SourceReference> passages, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(this, seq => new SourcesFrame(Turn.RequestId, Turn.SessionId, seq, passages), cancellationToken);

    public Task<long> DoneAsync(string stopReason, TokenUsage usage, string model, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(this, seq => new DoneFrame(Turn.RequestId, Turn.SessionId, seq, stopReason, usage, model), cancellationToken);

    public Task<long> ErrorAsync(string code, string message, bool retryable, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(this, seq => new ErrorFrame(code, message, Turn.RequestId, retryable) { SessionId = Turn.SessionId, Seq = seq }, cancellationToken);
}
