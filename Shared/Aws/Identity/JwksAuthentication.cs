using Conduit.Core.Chat;
using Conduit.Core.Security;
using Microsoft.Extensions.Logging;

namespace Conduit.Aws.Identity;

public static class JwksAuthentication
{
    /// <summary>
    /// Connections authenticated with JWTs from an OIDC issuer's JWKS (RS256 or ES256); a failed key fetch is logged
    /// through <paramref name="logger"/> while the cached keys keep serving.
    /// </summary>
    public static IConnectionAuthenticator Create(
        Uri jwksUrl, string issuer, string audience, TimeProvider time, ILogger<JwksKeySource> logger) =>
        new JwtConnectionAuthenticator(new JwtValidator(
            new JwksKeySource(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, jwksUrl, time, logger),
            new JwtValidatorOptions
            {
                Issuer = issuer,
                Audience = audience,
                AllowedAlgorithms = [JwtAlgorithms.Rs256, JwtAlgorithms.Es256],
                Time = time,
            }));
}
