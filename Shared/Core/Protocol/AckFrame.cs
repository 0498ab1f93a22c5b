namespace Conduit.Core.Protocol;

public sealed record AckFrame(string RequestId, string SessionId) : ServerFrame;
