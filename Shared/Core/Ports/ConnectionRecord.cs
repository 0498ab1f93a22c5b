namespace Conduit.Core.Ports;

public sealed record ConnectionRecord(
    string ConnectionId,
    DateTimeOffset ConnectedAt,
    string? SourceIp,
    string? UserAgent,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The authenticated user (the token's <c>sub</c>) the connection acts for.</summary>
    public string? UserId { get; init; }
}
