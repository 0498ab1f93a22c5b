namespace Conduit.Core.Protocol;

public sealed record AckFrame(string RequestId, string SessionId) : ServerFrame
{
    /// <summary>Set from the second attempt on: the turn failed with a retryable error and runs again.</summary>
    public int? Attempt { get; init; }
}
