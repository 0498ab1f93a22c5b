namespace Conduit.Core.Protocol;

public sealed record SourcesFrame(string RequestId, string SessionId, long Seq, IReadOnlyList<SourceReference> Passages) : ServerFrame;
