using Conduit.Core.Protocol;

namespace Conduit.Core.Chat;

/// <summary>A session, its turns and its frames belong to the user who created it.</summary>
public static class Ownership
{
    public static ErrorFrame Forbidden(string? requestId) =>
        new(ErrorCodes.Forbidden, "That session belongs to another user.", requestId, Retryable: false);
}
