namespace Conduit.Core.Chat;

/// <summary>A workflow step was handed a turn the store does not know: state and store disagree.</summary>
public sealed class TurnNotFoundException(string requestId) : Exception($"Turn {requestId} is not in the turn store.");
