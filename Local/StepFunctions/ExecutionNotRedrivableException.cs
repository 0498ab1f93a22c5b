namespace Conduit.Local.StepFunctions;

public sealed class ExecutionNotRedrivableException(string message) : StepFunctionsServiceException("ExecutionNotRedrivable", message);
