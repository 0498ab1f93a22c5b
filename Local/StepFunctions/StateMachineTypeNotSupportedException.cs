namespace Conduit.Local.StepFunctions;

public sealed class StateMachineTypeNotSupportedException(string message)
    : StepFunctionsServiceException("StateMachineTypeNotSupported", message);
