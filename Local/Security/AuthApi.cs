using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Core.Protocol;

namespace Conduit.Local.Security;

/// <summary>
/// The development token endpoint: <c>GET /{stage}/dev/token?user=&lt;id&gt;</c> answers <c>{"token":"…"}</c>, and with
/// <c>&amp;operator=true</c> a token whose holder may read every user's execution traces.
/// </summary>
public static class AuthApi
{
    public const string JwksPath = "dev/jwks.json";

    /// <summary>The development issuer's JWK Set, for validators that fetch keys (the Ingress process); 404 while it signs HS256.</summary>
    public static void MapDevelopmentJwks(this IEndpointRouteBuilder endpoints, string stage) =>
        endpoints.MapGet($"/{stage}/{JwksPath}", (DevelopmentIssuer issuer) =>
            issuer.JwkSet is { } keys ? Results.Text(keys, "application/jwk-set+json") : Results.NotFound());

    public static void MapDevelopmentTokens(this IEndpointRouteBuilder endpoints, string stage) =>
        endpoints.MapGet($"/{stage}/dev/token", (string? user, string? @operator, DevelopmentIssuer issuer) =>
            user is { Length: > 0 } id && ProtocolParser.IsIdentifier(id) && @operator is null or "true" or "false"
                ? Results.Text(new JsonObject { ["token"] = issuer.Issue(id, @operator == "true") }.ToJsonString(), "application/json")
                : Results.Text(
                    new JsonObject
                    {
                        ["message"] = "Pass ?user=<id>: 1 to 80 characters of A-Z, a-z, 0-9, '-' or '_'; "
                            + "add &operator=true for an operator's token.",
                    }.ToJsonString(),
                    "application/json",
                    statusCode: StatusCodes.Status400BadRequest));

    /// <summary>Who a plain HTTP request speaks for: its bearer token, checked like a connection's.</summary>
    public static async Task<Authentication> AuthenticateAsync(HttpContext context, IConnectionAuthenticator authenticator)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return await authenticator.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
    }
}
