using Conduit.Core.Chat;
using Conduit.Core.Security;

namespace Conduit.Aws.Identity;

public static class JwksAuthentication
{
    /// <summary>Connections authenticated with JWTs from an OIDC issuer's JWKS (RS256 or ES256).</summary>
    public static IConnectionAuthenticator Create(Uri jwksUrl, string issuer, string audience, TimeProvider time) =>
        new JwtConnectionAuthenticator(new JwtValidator(
            new JwksKeySource(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, jwksUrl, time),
            new JwtValidatorOptions
            {
                Issuer = issuer,
                Audience = audience,
                AllowedAlgorithms = [JwtAlgorithms.Rs256, JwtAlgorithms.Es256],
                Time = time,
            }));
}
