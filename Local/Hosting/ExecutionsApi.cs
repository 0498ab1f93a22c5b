using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Local.Security;
using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// Read-only views of the local Step Functions executions, shaped like ListExecutions, DescribeExecution and
/// GetExecutionHistory: what an operator would open in the console. They hold every user's questions and connection
/// ids, so they need a bearer token: an operator's sees every execution, anyone else's only the turns of their own
/// sessions, and another user's execution answers exactly as a missing one does.
/// </summary>
public static class ExecutionsApi
{
    public static void MapExecutionsApi(this IEndpointRouteBuilder endpoints, string stage)
    {
        endpoints.MapGet($"/{stage}/executions", ListAsync);
        endpoints.MapGet($"/{stage}/executions/{{name}}", DescribeAsync);
    }

    /// <summary>A list row carries the start of the turn's question; the whole of it is in the execution's input.</summary>
    public const int MaxQuestionCharacters = 500;

    /// <summary>
    /// The newest executions the caller may see, each with its turn's requestId and question. <c>status</c> keeps one
    /// status (<c>RUNNING</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>ABORTED</c>, <c>TIMED_OUT</c>); <c>requestId</c> keeps
    /// the turns whose requestId starts with it (so a whole requestId finds that turn and its retries).
    /// </summary>
    private static async Task<IResult> ListAsync(
        HttpContext context,
        int? limit,
        string? status,
        string? requestId,
        StepFunctionsEmulator emulator,
        IConnectionAuthenticator authenticator,
        ISessionStore sessions,
        ITurnStore turns,
        CancellationToken cancellationToken)
    {
        var caller = await AuthApi.AuthenticateAsync(context, authenticator).ConfigureAwait(false);
        if (caller.UserId is null) return Unauthorized(context);
        ExecutionStatus? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!TryParseStatus(status, out var parsed))
            {
                return Error(
                    StatusCodes.Status400BadRequest,
                    "InvalidParameter",
                    "status must be one of RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT.");
            }
            statusFilter = parsed;
        }
        var maxResults = Math.Clamp(limit ?? 100, 1, StepFunctionsEmulator.MaxListResults);
        var search = string.IsNullOrEmpty(requestId) ? null : requestId;

        // A user's own executions (or a requestId's) are found among the most recent ones, so a page can hold fewer than asked.
        var scanned = caller.IsOperator && search is null ? maxResults : StepFunctionsEmulator.MaxListResults;
        var executions = await emulator.ListExecutionsAsync(scanned, statusFilter, cancellationToken).ConfigureAwait(false);
        var owners = new Dictionary<string, string?>(StringComparer.Ordinal);
        var visible = new JsonArray();
        foreach (var execution in executions)
        {
            if (visible.Count == maxResults) break;
            var turn = TurnOf(execution);
            if (search is not null && turn?.RequestId.StartsWith(search, StringComparison.Ordinal) != true) continue;
            if (!caller.IsOperator && !await IsOwnAsync(turn, caller.UserId, sessions, owners, cancellationToken).ConfigureAwait(false))
                continue;
            var summary = Summary(execution);
            if (turn is not null) await AddQuestionAsync(summary, turn, turns, cancellationToken).ConfigureAwait(false);
            visible.Add(summary);
        }
        return Json(new JsonObject { ["executions"] = visible });
    }

    private static bool TryParseStatus(string text, out ExecutionStatus status)
    {
        try
        {
            status = ExecutionStatusNames.Parse(text.ToUpperInvariant());
            return true;
        }
        catch (FormatException)
        {
            status = default;
            return false;
        }
    }

    private static async Task AddQuestionAsync(
        JsonObject summary, TurnReference turn, ITurnStore turns, CancellationToken cancellationToken)
    {
        summary["requestId"] = turn.RequestId;
        if (await turns.GetAsync(turn.Key, cancellationToken).ConfigureAwait(false) is not { } record) return;
        if (record.Text.Length <= MaxQuestionCharacters)
        {
            summary["question"] = record.Text;
            return;
        }
        var cut = MaxQuestionCharacters;
        if (char.IsHighSurrogate(record.Text[cut - 1])) cut--;
        summary["question"] = record.Text[..cut];
        summary["questionTruncated"] = true;
    }

    private static async Task<IResult> DescribeAsync(
        HttpContext context,
        string name,
        StepFunctionsEmulator emulator,
        IConnectionAuthenticator authenticator,
        ISessionStore sessions,
        CancellationToken cancellationToken)
    {
        var caller = await AuthApi.AuthenticateAsync(context, authenticator).ConfigureAwait(false);
        if (caller.UserId is null) return Unauthorized(context);
        try
        {
            var execution = await emulator.DescribeExecutionAsync(name, cancellationToken).ConfigureAwait(false);
            var own = caller.IsOperator
                || await IsOwnAsync(TurnOf(execution), caller.UserId, sessions, [], cancellationToken).ConfigureAwait(false);
            if (!own) throw emulator.DoesNotExist(name);
            var history = await emulator.GetExecutionHistoryAsync(name, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject
            {
                ["execution"] = execution.ToJson(),
                ["events"] = new JsonArray([.. history.Select(e => (JsonNode)e.ToJson())]),
            });
        }
        catch (ExecutionDoesNotExistException exception)
        {
            return Error(StatusCodes.Status404NotFound, exception.ErrorCode, exception.Message);
        }
    }

    /// <summary>
    /// Whether the execution is a turn of one of <paramref name="userId"/>'s sessions: its input names the session, and
    /// the session store knows who owns it. An input that names no session is nobody's (operators still see it).
    /// </summary>
    private static async Task<bool> IsOwnAsync(
        TurnReference? turn,
        string userId,
        ISessionStore sessions,
        Dictionary<string, string?> owners,
        CancellationToken cancellationToken)
    {
        if (turn?.SessionId is not { } sessionId) return false;
        if (!owners.TryGetValue(sessionId, out var owner))
        {
            owner = (await sessions.GetAsync(sessionId, cancellationToken).ConfigureAwait(false))?.OwnerId;
            owners[sessionId] = owner;
        }
        return string.Equals(owner, userId, StringComparison.Ordinal);
    }

    private static TurnReference? TurnOf(ExecutionDescription execution)
    {
        try
        {
            return JsonSerializer.Deserialize(execution.Input, CoreJsonContext.Wire.ChatTurnState)?.Turn;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Summary(ExecutionDescription execution)
    {
        var summary = new JsonObject
        {
            ["name"] = execution.Name,
            ["executionArn"] = execution.ExecutionArn,
            ["status"] = execution.Status.ToApiName(),
            ["startDate"] = AslTimestamp.Format(execution.StartDate),
        };
        if (execution.StopDate is { } stop)
        {
            summary["stopDate"] = AslTimestamp.Format(stop);
            summary["durationMs"] = (long)(stop - execution.StartDate).TotalMilliseconds;
        }
        return summary;
    }

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Error(
            StatusCodes.Status401Unauthorized,
            "Unauthorized",
            "Executions need a token: Authorization: Bearer <token>, the same token a connection uses. "
            + "An operator's token (roles: [\"operator\"]) sees every user's executions, any other only its own.");
    }

    private static IResult Error(int status, string type, string message) =>
        Results.Text(new JsonObject { ["__type"] = type, ["message"] = message }.ToJsonString(), "application/json", statusCode: status);

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");
}
