namespace Conduit.Local.Edge;

/// <summary>
/// Why a request's SigV4 signature was refused, as AWS says it: the error type (x-amzn-ErrorType, or <c>__type</c>
/// after the namespace) and the message.
/// </summary>
public sealed record SignatureRefusal(string ErrorType, string Message)
{
    public static SignatureRefusal Missing { get; } = new("MissingAuthenticationTokenException", "Missing Authentication Token");

    public static SignatureRefusal Incomplete(string message) => new("IncompleteSignatureException", message);

    public static SignatureRefusal UnrecognizedClient { get; } =
        new("UnrecognizedClientException", "The security token included in the request is invalid.");

    public static SignatureRefusal Invalid(string message) => new("InvalidSignatureException", message);

    public static SignatureRefusal Mismatch { get; } = Invalid(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key "
        + "and signing method. Consult the service documentation for details.");

    /// <summary>
    /// The status an AWS JSON service answers with: 403 for a request that carries no signature at all, 400 for one
    /// whose signature is malformed, unknown or wrong (coral services differ here from API Gateway, which says 403 to all).
    /// </summary>
    public int JsonStatusCode => ErrorType == Missing.ErrorType ? 403 : 400;
}
