namespace Conduit.Core.Protocol;

public sealed record DoneFrame(string RequestId, string SessionId, long Seq, string StopReason, TokenUsage Usage, string Model)
    : ServerFrame;
