namespace Conduit.Core.Chat;

public sealed record ConnectRequest(
    string ConnectionId, DateTimeOffset ConnectedAt, string? SourceIp, string? UserAgent, string? Origin, ConnectCredentials Credentials);
