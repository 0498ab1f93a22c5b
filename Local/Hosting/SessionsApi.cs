using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;
using Conduit.Local.Security;

namespace Conduit.Local.Hosting;

/// <summary>
/// A user's conversations and a session's history over plain HTTP, for clients that cannot keep a socket open: the
/// same frames the <c>listSessions</c> and <c>history</c> actions return.
/// </summary>
public static class SessionsApi
{
    public static void MapSessionsApi(this IEndpointRouteBuilder endpoints, string stage)
    {
        endpoints.MapGet($"/{stage}/sessions", ListAsync);
        endpoints.MapGet($"/{stage}/sessions/{{sessionId}}/history", HistoryAsync);
    }

    private static async Task<IResult> ListAsync(
        HttpContext context,
        string? cursor,
        int? limit,
        SessionCatalog catalog,
        IConnectionAuthenticator authenticator,
        CancellationToken cancellationToken)
    {
        if ((await AuthApi.AuthenticateAsync(context, authenticator).ConfigureAwait(false)).UserId is not { } userId)
            return Unauthorized();
        if (limit is < 1 or > ListSessionsCommand.MaxLimit)
        {
            return Frame(
                new ErrorFrame(
                    ErrorCodes.InvalidField, $"limit must be from 1 to {ListSessionsCommand.MaxLimit}.", null, Retryable: false),
                StatusCodes.Status400BadRequest);
        }
        var page = await catalog.ListAsync(
            userId, new ListSessionsCommand(string.IsNullOrEmpty(cursor) ? null : cursor, limit ?? ListSessionsCommand.DefaultLimit),
            cancellationToken).ConfigureAwait(false);
        return Frame(page, page is ErrorFrame ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<IResult> HistoryAsync(
        HttpContext context,
        string sessionId,
        long? afterSeq,
        long? afterIndex,
        int? limit,
        long? textOffset,
        SessionReader reader,
        IConnectionAuthenticator authenticator,
        CancellationToken cancellationToken)
    {
        if ((await AuthApi.AuthenticateAsync(context, authenticator).ConfigureAwait(false)).UserId is not { } userId)
            return Unauthorized();
        if (!ProtocolParser.IsIdentifier(sessionId) || afterSeq < 0 || afterIndex < 0 || textOffset < 0
            || limit is < 1 or > HistoryQuery.MaxLimit)
        {
            return Frame(
                new ErrorFrame(
                    ErrorCodes.InvalidField,
                    "sessionId must be an identifier; afterSeq, afterIndex and textOffset whole numbers ≥ 0; "
                    + $"limit from 1 to {HistoryQuery.MaxLimit}.",
                    null,
                    Retryable: false),
                StatusCodes.Status400BadRequest);
        }
        var query = new HistoryQuery(sessionId, afterSeq ?? 0, afterIndex ?? 0, limit ?? HistoryQuery.DefaultLimit)
        {
            TextOffset = textOffset ?? 0,
        };
        var page = await reader.HistoryAsync(userId, query, cancellationToken).ConfigureAwait(false);
        return Frame(page, page switch
        {
            ErrorFrame { Code: ErrorCodes.Forbidden } => StatusCodes.Status403Forbidden,
            ErrorFrame => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status200OK,
        });
    }

    private static IResult Unauthorized() => Frame(
        new ErrorFrame(
            ErrorCodes.Unauthorized, "Send the same token as a connection uses: Authorization: Bearer <token>.", null, Retryable: false),
        StatusCodes.Status401Unauthorized);

    private static IResult Frame(ServerFrame frame, int status) =>
        Results.Text(JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame), "application/json", statusCode: status);
}
