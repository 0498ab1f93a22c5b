namespace Conduit.Core.Chat;

public sealed record ClientError(string Code, string Message, bool Retryable);
