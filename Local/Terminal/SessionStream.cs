namespace Conduit.Local.Terminal;

internal enum Placement
{
    /// <summary>Every seq the frame covers was seen already: a replay overlapping the live stream.</summary>
    Seen,

    /// <summary>Seqs before the frame's first were never seen: it cannot be placed until they are replayed.</summary>
    Gap,

    /// <summary>The frame carries at least the next seq.</summary>
    New,
}

/// <summary>
/// Where the client stands in its session's frame stream, and how much of the answer it has shown so far. The rules are
/// the protocol's: seq rises by exactly one, a replayed token frame covers <c>firstSeq..seq</c>, and the answer is the
/// token text after the turn's latest <c>streaming</c> status.
/// </summary>
internal sealed class SessionStream
{
    /// <summary>The answer's length after each seq of the turn's answer, to cut what a joined replay repeats.</summary>
    private readonly Dictionary<long, int> _answerLengthAfter = [];

    private int _answerLength;

    public string? SessionId { get; private set; }

    public long LastSeq { get; private set; }

    /// <summary>Follows <paramref name="sessionId"/> (null: the next message starts one) from after <paramref name="lastSeq"/>.</summary>
    public void Begin(string? sessionId, long lastSeq)
    {
        SessionId = sessionId;
        LastSeq = lastSeq;
        BeginTurn();
    }

    /// <summary>Takes the id of the session the first message started; a known session is kept.</summary>
    public void Adopt(string sessionId) => SessionId ??= sessionId;

    public void BeginTurn()
    {
        _answerLength = 0;
        _answerLengthAfter.Clear();
    }

    public Placement Place(long firstSeq, long seq) =>
        seq <= LastSeq ? Placement.Seen
        : firstSeq > LastSeq + 1 ? Placement.Gap
        : Placement.New;

    /// <summary>Moves past a frame that adds nothing to the answer.</summary>
    public void Pass(long seq) => LastSeq = seq;

    /// <summary>A <c>streaming</c> status: the answer starts (again) here. True when text already shown is dropped.</summary>
    public bool StartAnswer(long seq)
    {
        var restarted = _answerLength > 0;
        BeginTurn();
        _answerLengthAfter[seq] = 0;
        LastSeq = seq;
        return restarted;
    }

    /// <summary>
    /// A token frame of the turn: the part of its text not shown yet, or null when it overlaps what was seen at a
    /// point this stream cannot locate (then only a replay from <see cref="LastSeq"/> places it).
    /// </summary>
    public string? AppendToken(long firstSeq, long seq, string text)
    {
        var repeated = 0;
        if (firstSeq <= LastSeq)
        {
            if (!_answerLengthAfter.TryGetValue(firstSeq - 1, out var before) || !_answerLengthAfter.TryGetValue(LastSeq, out var after)
                || after - before > text.Length)
                return null;
            repeated = after - before;
        }
        var fresh = text[repeated..];
        _answerLength += fresh.Length;
        LastSeq = seq;
        _answerLengthAfter[seq] = _answerLength;
        return fresh;
    }
}
