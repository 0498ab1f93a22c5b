using System.Text;
using System.Text.Json;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Core.Chat;

/// <summary>
/// Shrinks a backlog before it is replayed: consecutive token frames of one turn become one token frame with
/// <c>firstSeq</c>..<c>seq</c> and their text joined in order, so the client's text and seq coverage come out
/// identical with far fewer posts. Every other frame passes unchanged, and a merged frame's text stays within
/// <see cref="ProtocolLimits.MaxTokenTextBytes"/> serialised, like a live one, well inside API Gateway's 32 KB frame.
/// </summary>
public static class FrameCompaction
{

    public static IEnumerable<OutgoingFrame> Compact(IReadOnlyList<StoredFrame> frames)
    {
        TokenRun? run = null;
        foreach (var frame in frames)
        {
            var token = ReadToken(frame);
            if (token is not null && run is not null && run.Accepts(token))
            {
                run.Add(token, frame.Seq);
                continue;
            }
            if (run is not null) yield return run.ToFrame();
            run = null;
            if (token is not null) run = new TokenRun(token, frame.Seq);
            else yield return new OutgoingFrame(frame.Json, frame.Seq);
        }
        if (run is not null) yield return run.ToFrame();
    }

    private static TokenFrame? ReadToken(StoredFrame frame) =>
        JsonSerializer.Deserialize(frame.Json, CoreJsonContext.Wire.ServerFrame) as TokenFrame;

    private sealed class TokenRun(TokenFrame first, long seq)
    {
        private readonly StringBuilder _text = new(first.Text);
        private readonly long _firstSeq = first.FirstSeq ?? seq;
        private long _lastSeq = seq;
        private int _bytes = WireSize.OfText(first.Text);

        public bool Accepts(TokenFrame next) =>
            next.RequestId == first.RequestId && _bytes + WireSize.OfText(next.Text) <= ProtocolLimits.MaxTokenTextBytes;

        public void Add(TokenFrame next, long seq)
        {
            _text.Append(next.Text);
            _bytes += WireSize.OfText(next.Text);
            _lastSeq = seq;
        }

        public OutgoingFrame ToFrame()
        {
            var merged = new TokenFrame(first.RequestId, first.SessionId, _lastSeq, _text.ToString())
            {
                FirstSeq = _lastSeq == _firstSeq ? null : _firstSeq,
            };
            return new OutgoingFrame(JsonSerializer.Serialize<ServerFrame>(merged, CoreJsonContext.Wire.ServerFrame), _lastSeq);
        }
    }
}
