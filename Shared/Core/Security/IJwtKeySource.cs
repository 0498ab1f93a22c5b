namespace Conduit.Core.Security;

/// <summary>Where the keys that verify token signatures come from.</summary>
public interface IJwtKeySource
{
    /// <summary>
    /// The key with this <paramref name="kid"/> that verifies <paramref name="alg"/>, or null. A token without a kid
    /// matches only a source that holds exactly one key, so a kid is required as soon as a second key appears.
    /// </summary>
    ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken);
}
