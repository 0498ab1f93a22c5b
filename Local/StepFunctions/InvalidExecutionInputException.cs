namespace Conduit.Local.StepFunctions;

public sealed class InvalidExecutionInputException(string message) : StepFunctionsServiceException("InvalidExecutionInput", message);
