namespace Conduit.Core.Ports;

public sealed record ConnectionInfo(DateTimeOffset ConnectedAt, DateTimeOffset LastActiveAt, string? SourceIp, string? UserAgent);
