using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Core.Serialization;

namespace Conduit.Aws.Lambda.Runtime;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> hands it over.</summary>
public sealed record RuntimeInvocation(string RequestId, long DeadlineMs, string? FunctionArn, string? TraceId, byte[] Event)
{
    /// <summary>Lambda-Runtime-Deadline-Ms as an instant; null when the header was missing or not a number.</summary>
    public DateTimeOffset? Deadline => DeadlineMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(DeadlineMs) : null;
}
