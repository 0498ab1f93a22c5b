namespace Conduit.Local.Edge;

/// <summary>
/// A REST-JSON protocol error: the HTTP status and the error's shape name, which clients read from the
/// <c>x-amzn-ErrorType</c> header, and the message, the body's only member.
/// </summary>
public sealed class AwsRestException(int statusCode, string errorType, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string ErrorType { get; } = errorType;

    public static AwsRestException Validation(string message) => new(400, "ValidationException", message);

    /// <summary>A member that breaks its constraint, in the words AWS's validation uses.</summary>
    public static AwsRestException Invalid(string member, string constraint) =>
        Validation($"1 validation error detected: Value at '{member}' failed to satisfy constraint: {constraint}");

    public static AwsRestException NotFound(string message) => new(404, "ResourceNotFoundException", message);

    public static AwsRestException Throttling(string message) => new(429, "ThrottlingException", message);

    public static AwsRestException Internal(string message) => new(500, "InternalServerException", message);

    /// <summary>Behind an API Gateway front door, as these services are, every refused signature is a 403.</summary>
    public static AwsRestException RefusedSignature(SignatureRefusal refusal) => new(403, refusal.ErrorType, refusal.Message);
}
