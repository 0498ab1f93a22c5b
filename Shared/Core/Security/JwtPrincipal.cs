namespace Conduit.Core.Security;

/// <summary>
/// Who a validated token speaks for: its <c>sub</c>, the issuer and audience it was checked against, when it expires, and
/// the roles its <c>roles</c> claim grants.
/// </summary>
public sealed record JwtPrincipal(string Subject, string Issuer, string Audience, DateTimeOffset ExpiresAt)
{
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Value equality, the roles compared by content as the other members are.</summary>
    public bool Equals(JwtPrincipal? other) =>
        other is not null && Subject == other.Subject && Issuer == other.Issuer && Audience == other.Audience
        && ExpiresAt == other.ExpiresAt && Roles.SequenceEqual(other.Roles, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Subject, Issuer, Audience, ExpiresAt, Roles.Count);
}
