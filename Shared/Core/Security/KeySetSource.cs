namespace Conduit.Core.Security;

/// <summary>Keys known up front (an issuer in the same process), rather than fetched from a JWKS URL.</summary>
public sealed class KeySetSource(JwtKeySet keys) : IJwtKeySource
{
    public ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken) =>
        ValueTask.FromResult(keys.Find(kid, alg));
}
