using System.Net;
using System.Text.Json;

namespace Conduit.Aws;

/// <summary>
/// An error answer from an AWS service (or its local emulation). <see cref="From"/> picks the typed subclass
/// from the sanitized error type and the status, so callers catch what they handle (Gone, Throttling, …)
/// without comparing strings.
/// </summary>
public class AwsServiceException(string errorType, HttpStatusCode statusCode, string message) : Exception(message)
{
    public string ErrorType { get; } = errorType;
    public HttpStatusCode StatusCode { get; } = statusCode;

    public static AwsServiceException From(string errorType, HttpStatusCode status, string message) => errorType switch
    {
        "ThrottlingException" or "Throttling" or "ThrottledException" or "RequestThrottled" or "RequestThrottledException"
            or "TooManyRequestsException" or "LimitExceededException" or "ProvisionedThroughputExceededException"
            or "RequestLimitExceeded" or "ModelNotReadyException" or "KmsThrottlingException" or "KmsThrottled"
            => new AwsThrottlingException(errorType, status, message),
        "ValidationException" or "InvalidParameterValue" or "InvalidParameterException" or "InvalidMessageContents"
            or "InvalidName" or "InvalidArn" or "InvalidExecutionInput" or "SerializationException"
            => new AwsValidationException(errorType, status, message),
        "ResourceNotFoundException" or "NotFoundException" or "QueueDoesNotExist" or "StateMachineDoesNotExist"
            or "ExecutionDoesNotExist" or "NonExistentQueue"
            => new AwsNotFoundException(errorType, status, message),
        "AccessDeniedException" or "ForbiddenException" or "UnrecognizedClientException" or "InvalidSignatureException"
            or "MissingAuthenticationTokenException" or "ExpiredTokenException" or "InvalidSecurity" or "IncompleteSignature"
            => new AwsAccessDeniedException(errorType, status, message),
        "GoneException" => new AwsGoneException(errorType, status, message),
        "ExecutionAlreadyExists" or "ConflictException" or "ConditionalCheckFailedException"
            => new AwsConflictException(errorType, status, message),
        "PayloadTooLargeException" => new AwsPayloadTooLargeException(errorType, status, message),
        _ => status switch
        {
            HttpStatusCode.TooManyRequests => new AwsThrottlingException(errorType, status, message),
            HttpStatusCode.NotFound => new AwsNotFoundException(errorType, status, message),
            HttpStatusCode.Forbidden => new AwsAccessDeniedException(errorType, status, message),
            HttpStatusCode.Gone => new AwsGoneException(errorType, status, message),
            HttpStatusCode.RequestEntityTooLarge => new AwsPayloadTooLargeException(errorType, status, message),
            _ => new AwsServiceException(errorType, status, message),
        },
    };

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
        return From(errorType, response.StatusCode, message ?? $"{errorType} ({(int)response.StatusCode})");
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
