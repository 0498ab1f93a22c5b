using Conduit.Core.Contracts;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

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

    /// <summary>The first frame of an attempt: says which attempt it is and names its execution.</summary>
    public Task<long> QueuedAsync(string execution, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn,
            seq => new StatusFrame(Turn.RequestId, Turn.SessionId, seq, Phases.Queued, "Queued")
            {
                Attempt = Turn.Attempt, Execution = execution,
            },
            cancellationToken);

    public Task<long> TokenAsync(string text, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new TokenFrame(Turn.RequestId, Turn.SessionId, seq, text), cancellationToken);

    public Task<long> SourcesAsync(IReadOnlyList<SourceReference> passages, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(Turn, seq => new SourcesFrame(Turn.RequestId, Turn.SessionId, seq, passages), cancellationToken);

    public Task<long> DoneAsync(string stopReason, TokenUsage usage, string model, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn, seq => new DoneFrame(Turn.RequestId, Turn.SessionId, seq, stopReason, usage, model), cancellationToken);

    public Task<long> ErrorAsync(string code, string message, bool retryable, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn,
            seq => new ErrorFrame(code, message, Turn.RequestId, retryable) { SessionId = Turn.SessionId, Seq = seq },
            cancellationToken);
}
