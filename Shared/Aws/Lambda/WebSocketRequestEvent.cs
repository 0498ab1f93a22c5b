namespace Conduit.Aws.Lambda;

/// <summary>The event API Gateway sends a WebSocket route's Lambda proxy integration.</summary>
public sealed record WebSocketRequestEvent
{
    public required WebSocketRequestContext RequestContext { get; init; }
    public string? Body { get; init; }
    public bool IsBase64Encoded { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueHeaders { get; init; }
    public IReadOnlyDictionary<string, string>? QueryStringParameters { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? MultiValueQueryStringParameters { get; init; }
    public IReadOnlyDictionary<string, string>? StageVariables { get; init; }
}
