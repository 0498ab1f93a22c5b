namespace Conduit.Local.StepFunctions;

/// <summary>
/// The state machine definition cannot run here: it is malformed, or it uses something the local interpreter does
/// not implement. The message names the construct and the state so the definition can be fixed before any execution.
/// </summary>
public sealed class AslLoadException(string message) : Exception(message);
