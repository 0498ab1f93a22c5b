namespace Conduit.Core.Ports;

/// <summary>
/// A frame just persisted, with the session's <see cref="SessionRecord.Signal"/> as the same write left it: the
/// writer learns of a new subscription or a cancel request from the write it makes anyway, without a read.
/// </summary>
public sealed record AppendedFrame(StoredFrame Frame, long SessionSignal);
