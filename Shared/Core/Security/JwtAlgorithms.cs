namespace Conduit.Core.Security;

/// <summary>The JWS <c>alg</c> values this validator can verify (RFC 7518); every other value, <c>none</c> included, is refused.</summary>
public static class JwtAlgorithms
{
    public const string Hs256 = "HS256";
    public const string Rs256 = "RS256";
    public const string Es256 = "ES256";

    internal static bool IsSupported(string algorithm) => algorithm is Hs256 or Rs256 or Es256;
}
