namespace Conduit.Core.Chat;

/// <summary>
/// The model service could not be reached, or dropped the connection before sending a byte of its answer: nothing
/// of the turn was lost, so it is worth trying again. The name is what TurnErrors classifies as retryable.
/// </summary>
public sealed class ModelUnavailableException(string message, Exception inner) : Exception(message, inner);
