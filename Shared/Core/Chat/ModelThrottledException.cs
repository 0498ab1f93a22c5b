namespace Conduit.Core.Chat;

/// <summary>
/// The model service is throttling. Step Functions matches Lambda errors by exception type name, so the
/// workflow's Retry on "ModelThrottledException" depends on this exact class name.
/// </summary>
public sealed class ModelThrottledException(string message, Exception? inner = null) : Exception(message, inner);
