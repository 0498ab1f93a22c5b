using Conduit.Core.Contracts;
using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>The frames one writer (a workflow step, the dispatcher, a cancel) publishes for one turn.</summary>
public sealed class TurnFrames
{
    public const int MaxSourceFieldCharacters = 300;

    /// <summary>A passage's text is cut to this many characters: a passage of the local index is at most 1,200.</summary>
    public const int MaxPassageTextCharacters = 2_000;

    /// <summary>A passage text's JSON besides the text: <c>,"text":""</c>.</summary>
    private const int PassageTextEnvelopeBytes = 10;

    /// <summary>A passage's JSON besides its two strings: names, quotes, the longest score and the separating comma.</summary>
    private const int PassageEnvelopeBytes = 64;

    private readonly FramePublisher _publisher;
    private readonly SessionWatch _watch = new();

    internal TurnFrames(FramePublisher publisher, TurnReference turn)
    {
        _publisher = publisher;
        Turn = turn;
    }

    public TurnReference Turn { get; }

    /// <summary>
    /// Whether the client asked to stop the turn. Between token frames it costs no read: the appends carry the session's
    /// signal, which a cancel request moves, so the flag is read only when the signal moved or nothing was appended
    /// since the last check.
    /// </summary>
    public Task<bool> CancelRequestedAsync(CancellationToken cancellationToken) =>
        _publisher.CancelRequestedAsync(Turn, _watch, cancellationToken);

    public Task<long> StatusAsync(string phase, string message, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn, _watch, steady: false, seq => new StatusFrame(Turn.RequestId, Turn.SessionId, seq, phase, message), cancellationToken);

    /// <summary>The first frame of an attempt: says which attempt it is and names its execution.</summary>
    public Task<long> QueuedAsync(string execution, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn,
            _watch,
            steady: false,
            seq => new StatusFrame(Turn.RequestId, Turn.SessionId, seq, Phases.Queued, "Queued")
            {
                Attempt = Turn.Attempt, Execution = execution,
            },
            cancellationToken);

    public Task<long> TokenAsync(string text, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn, _watch, steady: true, seq => new TokenFrame(Turn.RequestId, Turn.SessionId, seq, text), cancellationToken);

    /// <summary>
    /// Posts the passages in the order given, as many as fit <see cref="ProtocolLimits.MaxSourcesBytes"/> (a source or
    /// title is cut to <see cref="MaxSourceFieldCharacters"/>); the frame counts the rest in <c>omitted</c>. References
    /// come first: a passage's text (cut to <see cref="MaxPassageTextCharacters"/>) is added, in the same order, only
    /// while the frame stays within its budget, so a long text never costs a reference.
    /// </summary>
    public Task<long> SourcesAsync(IReadOnlyList<SourceReference> passages, CancellationToken cancellationToken)
    {
        var kept = new List<SourceReference>(passages.Count);
        var bytes = WireSize.Of(new SourcesFrame(Turn.RequestId, Turn.SessionId, long.MaxValue, []) { Omitted = passages.Count });
        foreach (var passage in passages)
        {
            var trimmed = passage with { Source = Trim(passage.Source), Title = Trim(passage.Title), Text = null };
            var size = WireSize.OfText(trimmed.Source) + WireSize.OfText(trimmed.Title) + PassageEnvelopeBytes;
            if (bytes + size > ProtocolLimits.MaxSourcesBytes) break;
            bytes += size;
            kept.Add(trimmed);
        }
        for (var i = 0; i < kept.Count; i++)
        {
            if (string.IsNullOrEmpty(passages[i].Text)) continue;
            var text = Trim(passages[i].Text!, MaxPassageTextCharacters);
            var size = WireSize.OfText(text) + PassageTextEnvelopeBytes;
            if (bytes + size > ProtocolLimits.MaxSourcesBytes) continue;
            bytes += size;
            kept[i] = kept[i] with { Text = text };
        }
        var omitted = passages.Count - kept.Count;
        return _publisher.PublishAsync(
            Turn,
            _watch,
            steady: false,
            seq => new SourcesFrame(Turn.RequestId, Turn.SessionId, seq, kept) { Omitted = omitted > 0 ? omitted : null },
            cancellationToken);
    }

    public Task<long> DoneAsync(string stopReason, TokenUsage usage, string model, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn,
            _watch,
            steady: false,
            seq => new DoneFrame(Turn.RequestId, Turn.SessionId, seq, stopReason, usage, model),
            cancellationToken);

    public Task<long> ErrorAsync(string code, string message, bool retryable, CancellationToken cancellationToken) =>
        _publisher.PublishAsync(
            Turn,
            _watch,
            steady: false,
            seq => new ErrorFrame(code, message, Turn.RequestId, retryable) { SessionId = Turn.SessionId, Seq = seq },
            cancellationToken);

    private static string Trim(string text, int maxCharacters = MaxSourceFieldCharacters)
    {
        if (text.Length <= maxCharacters) return text;
        var cut = maxCharacters - 1;
        if (char.IsHighSurrogate(text[cut - 1])) cut--;
        return string.Concat(text.AsSpan(0, cut), "…");
    }
}
