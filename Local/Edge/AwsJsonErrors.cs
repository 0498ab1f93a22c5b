using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conduit.Local.Edge;

/// <summary>Writes AWS JSON protocol errors as the real services do: status, <c>__type</c> and <c>message</c>, the type header.</summary>
public static class AwsJsonErrors
{
    public static JsonObject Body(AwsJsonException error) => new() { ["__type"] = error.ErrorType, ["message"] = error.Message };

    public static Task WriteAsync(HttpResponse response, AwsJsonException error, string contentType)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = contentType;
        response.Headers["x-amzn-ErrorType"] = error.ErrorCode;
        if (error.QueryError is not null) response.Headers["x-amzn-query-error"] = error.QueryError;
        return response.WriteAsync(Body(error).ToJsonString(), response.HttpContext.RequestAborted);
    }
}
