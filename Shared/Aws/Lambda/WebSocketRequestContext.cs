namespace Conduit.Aws.Lambda;

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
