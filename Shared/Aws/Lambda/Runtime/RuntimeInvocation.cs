using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Core.Serialization;

namespace Conduit.Aws.Lambda.Runtime;

/// <summary>One invocation as <c>GET /runtime/invocation/next</c> hands it over.</summary>
public sealed record RuntimeInvocation(string RequestId, string? TraceId, byte[] Event);
