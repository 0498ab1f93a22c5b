using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conduit.Local.Edge;

/// <summary>Writes REST-JSON errors as the real services do: the status, <c>x-amzn-ErrorType</c> and <c>{"message": ...}</c>.</summary>
public static class AwsRestErrors
{
    public const string ContentType = "application/json";

    public static Task WriteAsync(HttpResponse response, AwsRestException error)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = ContentType;
        response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        var body = new JsonObject { ["message"] = error.Message };
        return response.WriteAsync(body.ToJsonString(), response.HttpContext.RequestAborted);
    }
}
