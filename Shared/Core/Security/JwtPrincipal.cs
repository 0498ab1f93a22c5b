namespace Conduit.Core.Security;

/// <summary>
/// Who a validated token speaks for: its <c>sub</c>, the issuer and audience it was checked against, when it expires, and
/// the roles its <c>roles</c> claim grants.
/// </summary>
public sealed record JwtPrincipal(string Subject, string Issuer, string Audience, DateTimeOffset ExpiresAt)
{
    public IReadOnlyList<string> Roles { get; init; } = [];
}
