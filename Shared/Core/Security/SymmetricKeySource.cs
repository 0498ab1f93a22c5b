namespace Conduit.Core.Security;

/// <summary>One HS256 secret shared with the issuer (the local development issuer); it verifies HS256 tokens only.</summary>
public sealed class SymmetricKeySource(byte[] key, string? kid = null) : IJwtKeySource
{
    private readonly JwtKeySet _keys = new([JwtKey.Hs256(key, kid)]);

    public ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.Find(kid, alg));
}
