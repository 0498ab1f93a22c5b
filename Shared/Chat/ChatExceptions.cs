namespace Conduit.Shared.Chat;

/// <summary>
/// The model service is throttling. Step Functions matches Lambda errors by exception type name, so the
/// workflow's Retry on "ModelThrottledException" depends on this exact class name.
/// </summary>
public sealed class ModelThrottledException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The model stream failed after text reached the client; retrying would repeat that text, so it is not retried.</summary>
public sealed class StreamInterruptedException(string message, Exception inner) : Exception(message, inner);

/// <summary>A workflow step was handed a turn the store does not know: state and store disagree.</summary>
public sealed class TurnNotFoundException(string requestId) : Exception($"Turn {requestId} is not in the turn store.");
