namespace Conduit.Core.Chat;

/// <summary>Who a token says the client is; a refusal carries a short reason code, never the token.</summary>
public sealed record Authentication(string? UserId, string? FailureReason)
{
    public static Authentication Succeeded(string userId) => new(userId, null);

    public static Authentication Failed(string reason) => new(null, reason);
}
