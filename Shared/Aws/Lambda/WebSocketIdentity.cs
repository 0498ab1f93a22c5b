namespace Conduit.Aws.Lambda;

/// <summary>The caller as API Gateway saw it; either field may be missing, depending on the client and the route.</summary>
public sealed record WebSocketIdentity
{
    public string? SourceIp { get; init; }
    public string? UserAgent { get; init; }
}
