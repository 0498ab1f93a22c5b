using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// Read-only views of the local Step Functions executions, shaped like ListExecutions, DescribeExecution and
/// GetExecutionHistory: what an operator would open in the console, by execution name (= requestId).
/// </summary>
public static class ExecutionsApi
{
    public static void MapExecutionsApi(this IEndpointRouteBuilder endpoints, string stage)
    {
        endpoints.MapGet($"/{stage}/executions", ListAsync);
        endpoints.MapGet($"/{stage}/executions/{{name}}", DescribeAsync);
    }

    private static async Task<IResult> ListAsync(StepFunctionsEmulator emulator, int? limit, CancellationToken cancellationToken)
    {
        var maxResults = Math.Clamp(limit ?? 100, 1, StepFunctionsEmulator.MaxListResults);
        var executions = await emulator.ListExecutionsAsync(maxResults, cancellationToken: cancellationToken).ConfigureAwait(false);
        var list = new JsonArray([.. executions.Select(e => (JsonNode)Summary(e))]);
        return Json(new JsonObject { ["executions"] = list });
    }

    private static async Task<IResult> DescribeAsync(string name, StepFunctionsEmulator emulator, CancellationToken cancellationToken)
    {
        try
        {
            var execution = await emulator.DescribeExecutionAsync(name, cancellationToken).ConfigureAwait(false);
            var history = await emulator.GetExecutionHistoryAsync(name, cancellationToken).ConfigureAwait(false);
            return Json(new JsonObject
            {
                ["execution"] = execution.ToJson(),
                ["events"] = new JsonArray([.. history.Select(e => (JsonNode)e.ToJson())]),
            });
        }
        catch (ExecutionDoesNotExistException exception)
        {
            var error = new JsonObject { ["__type"] = exception.ErrorCode, ["message"] = exception.Message };
            return Results.Text(error.ToJsonString(), "application/json", statusCode: StatusCodes.Status404NotFound);
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

    private static IResult Json(JsonObject body) => Results.Text(body.ToJsonString(), "application/json");
}
