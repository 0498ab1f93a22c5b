namespace Conduit.Shared.Lambda;

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

public sealed record WebSocketRequestContext
{
    public required string RouteKey { get; init; }

    /// <summary>CONNECT, DISCONNECT or MESSAGE.</summary>
    public required string EventType { get; init; }

    public required string ConnectionId { get; init; }
    public long ConnectedAt { get; init; }
    public long RequestTimeEpoch { get; init; }
    public string? RequestTime { get; init; }
    public string? DomainName { get; init; }
    public string? Stage { get; init; }
    public string? ApiId { get; init; }
    public string? RequestId { get; init; }
    public string? ExtendedRequestId { get; init; }
    public string? MessageDirection { get; init; }
    public string? MessageId { get; init; }
    public WebSocketIdentity? Identity { get; init; }
    public int? DisconnectStatusCode { get; init; }
    public string? DisconnectReason { get; init; }
}

public sealed record WebSocketIdentity(string? SourceIp, string? UserAgent);

public static class WebSocketEventTypes
{
    public const string Connect = "CONNECT";
    public const string Disconnect = "DISCONNECT";
    public const string Message = "MESSAGE";
}

/// <summary>
/// What a proxy integration returns. On <c>$connect</c> a non-2xx status refuses the connection; on a two-way
/// route the body is sent to the client as one message.
/// </summary>
public sealed record ProxyResponse(int StatusCode, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null);
