using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conduit.Local.Edge;

/// <summary>
/// A REST-JSON request the edge has authenticated and parsed: the route's labels, the JSON body, and the context
/// whose response the operation writes (a JSON answer, or an event stream).
/// </summary>
public sealed record AwsRestRequest(HttpContext Context, IReadOnlyDictionary<string, string> Labels, JsonObject Body)
{
    public CancellationToken Aborted => Context.RequestAborted;

    public string Label(string name) => Labels[name];
}
