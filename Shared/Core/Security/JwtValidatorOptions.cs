namespace Conduit.Core.Security;

/// <summary>What a token must show to be accepted. Issuer and audience compare exactly (ordinal).</summary>
public sealed record JwtValidatorOptions
{
    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    /// <summary>A subset of <see cref="JwtAlgorithms"/>; the key that verifies a token must be of its algorithm's type as well.</summary>
    public required IReadOnlyCollection<string> AllowedAlgorithms { get; init; }

    /// <summary>Tolerance for clocks that disagree, applied to <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
