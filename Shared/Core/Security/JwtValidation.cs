using System.Diagnostics.CodeAnalysis;

namespace Conduit.Core.Security;

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
