using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit.Core.Protocol;

public sealed record SourcesFrame(string RequestId, string SessionId, long Seq, IReadOnlyList<SourceReference> Passages) : ServerFrame;
