namespace Conduit.Local.StepFunctions;

public sealed class ExecutionAlreadyExistsException(string message) : StepFunctionsServiceException("ExecutionAlreadyExists", message);
