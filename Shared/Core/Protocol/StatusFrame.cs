namespace Conduit.Core.Protocol;

public sealed record StatusFrame(string RequestId, string SessionId, long Seq, string Phase, string Message) : ServerFrame;
