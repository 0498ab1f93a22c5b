using System.Net;
using System.Text.Json;

namespace Conduit.Shared.Aws;

/// <summary>An error answer from an AWS service (or its local emulation), with the sanitized error type.</summary>
public class AwsServiceException(string errorType, HttpStatusCode statusCode, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
    public HttpStatusCode StatusCode { get; } = statusCode;

    public bool IsRetryable => StatusCode is HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;

    /// <summary>
    /// Reads the error type from <c>X-Amzn-ErrorType</c> or the body's <c>__type</c>/<c>code</c>, keeping the part
    /// before any ':' and after any '#', as the AWS JSON protocols specify.
    /// </summary>
    public static async Task<AwsServiceException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? type = response.Headers.TryGetValues("X-Amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        string? message = null;
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                type ??= ReadString(document.RootElement, "__type") ?? ReadString(document.RootElement, "code");
                message = ReadString(document.RootElement, "message") ?? ReadString(document.RootElement, "Message");
            }
        }
        catch (JsonException)
        {
            message = body.Length > 200 ? body[..200] : body;
        }
        var errorType = Sanitize(type) ?? $"Http{(int)response.StatusCode}";
        return new AwsServiceException(errorType, response.StatusCode, message ?? $"{errorType} ({(int)response.StatusCode})");
    }

    public static string? Sanitize(string? type)
    {
        if (string.IsNullOrWhiteSpace(type)) return null;
        var colon = type.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0) type = type[..colon];
        var hash = type.IndexOf('#', StringComparison.Ordinal);
        return hash >= 0 ? type[(hash + 1)..] : type;
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
