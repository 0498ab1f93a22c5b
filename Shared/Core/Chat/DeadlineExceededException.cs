namespace Conduit.Core.Chat;

/// <summary>
/// A worker ran out of its function's time and stopped before Lambda would have killed it. Step Functions names the
/// task failure after this class, so the workflow's Catch and the client's error code can tell it from a crash.
/// </summary>
public sealed class DeadlineExceededException(string message, Exception? inner = null) : Exception(message, inner);
