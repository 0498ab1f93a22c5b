namespace Conduit.Aws.Lambda;

public sealed record WebSocketIdentity(string? SourceIp, string? UserAgent);
