namespace Conduit.Core.Chat;

/// <summary>
/// Who a token says the client is, and whether it is an operator (who may read every user's execution traces); a
/// refusal carries a short reason code, never the token.
/// </summary>
public sealed record Authentication(string? UserId, string? FailureReason, bool IsOperator = false)
{
    /// <summary>The value of the token's <c>roles</c> claim that makes its holder an operator.</summary>
    public const string OperatorRole = "operator";

    public static Authentication Succeeded(string userId, bool isOperator = false) => new(userId, null, isOperator);

    public static Authentication Failed(string reason) => new(null, reason);
}
