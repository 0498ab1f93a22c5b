namespace Conduit.Core.Chat;

/// <summary>The model stream failed after text reached the client; retrying would repeat that text, so it is not retried.</summary>
public sealed class StreamInterruptedException(string message, Exception inner) : Exception(message, inner);
