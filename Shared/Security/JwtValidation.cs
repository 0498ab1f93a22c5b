using System.Diagnostics.CodeAnalysis;

namespace Conduit.Shared.Security;

/// <summary>Who a validated token speaks for: its <c>sub</c>, the issuer and audience it was checked against, and when it expires.</summary>
public sealed record JwtPrincipal(string Subject, string Issuer, string Audience, DateTimeOffset ExpiresAt);

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

/// <summary>The outcome of validating one token: a principal, or a failure code with a message fit for a log line.</summary>
public sealed record JwtValidation
{
    private JwtValidation(JwtPrincipal? principal, string? failureCode, string? failureMessage)
    {
        Principal = principal;
        FailureCode = failureCode;
        FailureMessage = failureMessage;
    }

    public JwtPrincipal? Principal { get; }

    public string? FailureCode { get; }

    /// <summary>Never repeats token content, so it can be logged or shown as it is.</summary>
    public string? FailureMessage { get; }

    [MemberNotNullWhen(true, nameof(Principal))]
    [MemberNotNullWhen(false, nameof(FailureCode), nameof(FailureMessage))]
    public bool IsValid => Principal is not null;

    public static JwtValidation Success(JwtPrincipal principal) => new(principal, null, null);

    public static JwtValidation Failure(string code, string message) => new(null, code, message);
}
