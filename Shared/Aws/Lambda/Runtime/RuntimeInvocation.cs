namespace Conduit.Aws.Lambda.Runtime;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> hands it over.</summary>
public sealed record RuntimeInvocation(string RequestId, DateTimeOffset? Deadline, string? TraceId, byte[] Event);
