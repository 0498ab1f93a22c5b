namespace Conduit.Core.Security;

/// <summary>
/// The <see cref="JwtValidation.FailureCode"/> values. Callers and logs branch on these, so they never change meaning;
/// the human message beside them may.
/// </summary>
public static class JwtFailureCodes
{
    public const string Malformed = "malformed";
    public const string UnsupportedAlgorithm = "unsupported_algorithm";
    public const string UnknownKey = "unknown_key";
    public const string BadSignature = "bad_signature";
    public const string Expired = "expired";
    public const string NotYetValid = "not_yet_valid";
    public const string WrongIssuer = "wrong_issuer";
    public const string WrongAudience = "wrong_audience";
    public const string MissingSubject = "missing_subject";
}
