using System.Text.Json.Nodes;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Conduit.Local.Gateway;

/// <summary>
/// The @connections management API at <c>/{stage}/@connections/{connectionId}</c>, answering as API Gateway does
/// (status codes, <c>x-amzn-ErrorType</c>, <c>{"message"}</c> bodies) so an SDK client pointed here works unchanged.
/// As on AWS, where IAM lets only the stack's functions call it, every request must be SigV4-signed with the one key
/// the <see cref="SigV4Verifier"/> knows; anything else is refused before it can touch a connection.
/// </summary>
public static class ConnectionsApi
{
    public static void MapConnectionsApi(this IEndpointRouteBuilder endpoints, string stage)
    {
        var route = $"/{stage}/@connections/{{connectionId}}";
        endpoints.MapPost(route, PostAsync);
        endpoints.MapGet(route, Get);
        endpoints.MapDelete(route, DeleteAsync);
    }

    private static async Task<IResult> PostAsync(
        HttpContext context, WebSocketGateway gateway, GatewayOptions options, SigV4Verifier verifier)
    {
        if (verifier.Precheck(context.Request) is { } early) return Refused(context, early);
        var body = await ReadBodyAsync(context, options.MaxMessageBytes + 1).ConfigureAwait(false);
        if (body.Length > options.MaxMessageBytes) return TooLarge(context);
        if (verifier.Verify(context.Request, body.Span) is { } refusal) return Refused(context, refusal);
        if (options.PostLatency > TimeSpan.Zero) await Task.Delay(options.PostLatency, context.RequestAborted).ConfigureAwait(false);
        var outcome = await gateway.PostAsync(ConnectionIdFromRawPath(context), body, context.RequestAborted).ConfigureAwait(false);
        return outcome switch
        {
            PostOutcome.Delivered => Results.Ok(),
            PostOutcome.TooLarge => TooLarge(context),
            _ => Gone(context),
        };
    }

    private static IResult Get(HttpContext context, WebSocketGateway gateway, SigV4Verifier verifier)
    {
        if (verifier.Verify(context.Request, []) is { } refusal) return Refused(context, refusal);
        if (gateway.Find(ConnectionIdFromRawPath(context)) is not { IsOpen: true } connection) return Gone(context);
        return Results.Text(new JsonObject
        {
            ["connectedAt"] = connection.ConnectedAt.ToString("O"),
            ["identity"] = new JsonObject { ["sourceIp"] = connection.SourceIp, ["userAgent"] = connection.UserAgent },
            ["lastActiveAt"] = connection.LastActiveAt.ToString("O"),
        }.ToJsonString(), "application/json");
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, WebSocketGateway gateway, SigV4Verifier verifier)
    {
        if (verifier.Verify(context.Request, []) is { } refusal) return Refused(context, refusal);
        return await gateway.DisconnectAsync(ConnectionIdFromRawPath(context), context.RequestAborted).ConfigureAwait(false)
            ? Results.NoContent()
            : Gone(context);
    }

    /// <summary>At most <paramref name="limit"/> bytes of the body: enough to tell that it is over the quota, no more.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context, int limit)
    {
        var buffer = new byte[limit];
        var length = 0;
        int read;
        while (length < limit && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)
                   .ConfigureAwait(false)) > 0)
            length += read;
        return buffer.AsMemory(0, length);
    }

    /// <summary>
    /// Read from the raw request target: ASP.NET leaves %2F encoded in route values, and connection ids are
    /// base64, so they can hold '/' as well as the usual trailing '='.
    /// </summary>
    private static string ConnectionIdFromRawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var path = raw.Split('?', 2)[0];
        return Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
    }

    private static IResult Refused(HttpContext context, SignatureRefusal refusal) =>
        Error(context, StatusCodes.Status403Forbidden, refusal.ErrorType, refusal.Message);

    private static IResult TooLarge(HttpContext context) =>
        Error(context, StatusCodes.Status413PayloadTooLarge, "PayloadTooLargeException", "Message exceeds the 128 KB payload limit.");

    private static IResult Gone(HttpContext context) =>
        Error(context, StatusCodes.Status410Gone, "GoneException", "The connection no longer exists.");

    private static IResult Error(HttpContext context, int status, string type, string message)
    {
        context.Response.Headers["x-amzn-ErrorType"] = type;
        return Results.Text(new JsonObject { ["message"] = message }.ToJsonString(), "application/json", statusCode: status);
    }
}
