using System.Text.Json.Nodes;
using Conduit.Local.Edge;

namespace Conduit.Tests.Edge;

/// <summary>A JSON service that records what reached it and answers with what it was given.</summary>
internal sealed class RecordingJsonService(string prefix, string signingName, Func<string, JsonObject, JsonObject>? answer = null)
    : IAwsJsonService
{
    public List<(string Operation, JsonObject Input)> Calls { get; } = [];

    public string TargetPrefix => prefix;

    public string SigningName => signingName;

    public string ContentType => "application/x-amz-json-1.0";

    public Task<JsonObject> InvokeAsync(string operation, JsonObject input, CancellationToken cancellationToken)
    {
        Calls.Add((operation, input));
        return Task.FromResult(answer?.Invoke(operation, input) ?? new JsonObject { ["echo"] = operation });
    }
}
