namespace Conduit.Core.Protocol;

public sealed record SourcesFrame(string RequestId, string SessionId, long Seq, IReadOnlyList<SourceReference> Passages) : ServerFrame
{
    /// <summary>Passages left out to keep the frame within <see cref="ProtocolLimits.MaxSourcesBytes"/>; absent when none were.</summary>
    public int? Omitted { get; init; }
}
