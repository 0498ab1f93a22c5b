namespace Conduit.Local.Edge;

/// <summary>
/// An AWS JSON protocol error: the HTTP status, the full shape id for <c>__type</c> (<c>namespace#Name</c>, as
/// awsJson servers send it) and the message. Clients keep the part after <c>#</c> as the error code.
/// </summary>
public sealed class AwsJsonException(int statusCode, string errorType, string message) : Exception(message)
{
    /// <summary>The namespace of errors the edge raises itself, before any service sees the request.</summary>
    public const string CoralNamespace = "com.amazon.coral.service";

    public int StatusCode { get; } = statusCode;

    public string ErrorType { get; } = errorType;

    /// <summary>
    /// The legacy Query-protocol code and fault (<c>Code;Sender</c>) an awsQueryCompatible service such as SQS also
    /// sends, in <c>x-amzn-query-error</c>; the SDKs report it as the error's code.
    /// </summary>
    public string? QueryError { get; init; }

    /// <summary>The error code clients see: the shape name without its namespace.</summary>
    public string ErrorCode => ErrorType[(ErrorType.IndexOf('#', StringComparison.Ordinal) + 1)..];

    public static AwsJsonException UnknownOperation(string message) =>
        new(400, $"{CoralNamespace}#UnknownOperationException", message);

    public static AwsJsonException Serialization(string message) => new(400, $"{CoralNamespace}#SerializationException", message);

    public static AwsJsonException RefusedSignature(SignatureRefusal refusal) =>
        new(refusal.JsonStatusCode, $"{CoralNamespace}#{refusal.ErrorType}", refusal.Message);
}
