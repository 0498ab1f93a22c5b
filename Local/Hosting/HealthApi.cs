using System.Text.Json.Nodes;

namespace Conduit.Local.Hosting;

/// <summary>
/// <c>GET /healthz</c>: ready only while the store takes writes, because every connect, message and answer writes to
/// it; a host that answers "ready" while every connect fails sends its clients into a wall.
/// </summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder endpoints) => endpoints.MapGet("/healthz", ReadyAsync);

    private static async Task<IResult> ReadyAsync(StoreWritability store, CancellationToken cancellationToken)
    {
        if (await store.ProblemAsync(cancellationToken).ConfigureAwait(false) is not { } problem)
            return Results.Text(new JsonObject { ["status"] = "ready" }.ToJsonString(), "application/json");
        var notReady = new JsonObject
        {
            ["status"] = "not_ready",
            ["reason"] = $"The store cannot write: {problem}. Acknowledged turns wait and finish once it can.",
        };
        return Results.Text(notReady.ToJsonString(), "application/json", statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
