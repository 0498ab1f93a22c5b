namespace Conduit.Core.Chat;

/// <summary>The check at $connect: a JWT from the development issuer locally, from an OIDC issuer's JWKS on AWS.</summary>
public interface IConnectionAuthenticator
{
    ValueTask<Authentication> AuthenticateAsync(string? token, CancellationToken cancellationToken);
}
