namespace Conduit.Local.Gateway;

/// <summary>Why a request's SigV4 signature was refused, as API Gateway says it: the x-amzn-ErrorType and the message.</summary>
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
}
