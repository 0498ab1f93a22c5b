using Conduit.Core.Security;

namespace Conduit.Core.Chat;

/// <summary>
/// The $connect check as a JWT validation: the token's <c>sub</c> is the user, <c>operator</c> among its <c>roles</c> makes
/// an operator; a refusal keeps only the code.
/// </summary>
public sealed class JwtConnectionAuthenticator(JwtValidator validator) : IConnectionAuthenticator
{
    public async ValueTask<Authentication> AuthenticateAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token)) return Authentication.Failed("missing_token");
        var validation = await validator.ValidateAsync(token, cancellationToken).ConfigureAwait(false);
        return validation.Principal is { } principal
            ? Authentication.Succeeded(principal.Subject, principal.Roles.Contains(Authentication.OperatorRole, StringComparer.Ordinal))
            : Authentication.Failed(validation.FailureCode ?? JwtFailureCodes.Malformed);
    }
}
