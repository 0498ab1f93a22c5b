namespace Conduit.Local.StepFunctions;

public sealed class ExecutionDoesNotExistException(string message) : StepFunctionsServiceException("ExecutionDoesNotExist", message);
