namespace Conduit.Core.Protocol;

public sealed record TokenFrame(string RequestId, string SessionId, long Seq, string Text) : ServerFrame
{
    /// <summary>
    /// Set only on a replayed frame that joins several token frames: it stands for every seq from
    /// <see cref="FirstSeq"/> to <see cref="Seq"/>, and its text is theirs, in order.
    /// </summary>
    public long? FirstSeq { get; init; }
}
