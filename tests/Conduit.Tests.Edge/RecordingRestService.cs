using System.Text.Json.Nodes;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;

namespace Conduit.Tests.Edge;

/// <summary>A REST service with one route that records what reached it and answers with its labels, or throws what it is given.</summary>
internal sealed class RecordingRestService(string pathTemplate, string signingName = "bedrock", Exception? failure = null) : IAwsRestService
{
    public List<AwsRestRequest> Calls { get; } = [];

    public string SigningName => signingName;

    public IReadOnlyList<AwsRestRoute> Routes => [new("POST", pathTemplate, HandleAsync)];

    private Task HandleAsync(AwsRestRequest request)
    {
        Calls.Add(request);
        if (failure is not null) throw failure;
        var labels = new JsonObject();
        foreach (var (name, value) in request.Labels) labels[name] = value;
        return request.Context.Response.WriteAsync(labels.ToJsonString());
    }
}
