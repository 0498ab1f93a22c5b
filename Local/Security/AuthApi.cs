using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Core.Protocol;

namespace Conduit.Local.Security;

/// <summary>The development token endpoint: <c>GET /{stage}/dev/token?user=&lt;id&gt;</c> answers <c>{"token":"…"}</c>.</summary>
public static class AuthApi
{
    public static void MapDevelopmentTokens(this IEndpointRouteBuilder endpoints, string stage) =>
        endpoints.MapGet($"/{stage}/dev/token", (string? user, DevelopmentIssuer issuer) =>
            user is { Length: > 0 } id && ProtocolParser.IsIdentifier(id)
                ? Results.Text(new JsonObject { ["token"] = issuer.Issue(id) }.ToJsonString(), "application/json")
                : Results.Text(
                    new JsonObject { ["message"] = "Pass ?user=<id>: 1 to 80 characters of A-Z, a-z, 0-9, '-' or '_'." }.ToJsonString(),
                    "application/json",
                    statusCode: StatusCodes.Status400BadRequest));

    /// <summary>The user a plain HTTP request speaks for: its bearer token, checked like a connection's.</summary>
    public static async Task<string?> UserAsync(HttpContext context, IConnectionAuthenticator authenticator)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return (await authenticator.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false)).UserId;
    }
}
