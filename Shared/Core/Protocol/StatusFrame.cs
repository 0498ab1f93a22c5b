namespace Conduit.Core.Protocol;

public sealed record StatusFrame(string RequestId, string SessionId, long Seq, string Phase, string Message) : ServerFrame
{
    /// <summary>On the <c>queued</c> status, the first frame of every attempt: which attempt starts.</summary>
    public int? Attempt { get; init; }

    /// <summary>On the <c>queued</c> status: the name of the attempt's workflow execution, for its trace.</summary>
    public string? Execution { get; init; }
}
