namespace Conduit.Core.Security;

/// <summary>
/// Who a validated token speaks for: its <c>sub</c>, the issuer and audience it was checked against, and when it expires.
/// </summary>
public sealed record JwtPrincipal(string Subject, string Issuer, string Audience, DateTimeOffset ExpiresAt);
