namespace Conduit.Core.Ports;

public sealed record StoredFrame(string SessionId, long Seq, string RequestId, string Json);
