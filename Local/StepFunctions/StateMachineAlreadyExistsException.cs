namespace Conduit.Local.StepFunctions;

public sealed class StateMachineAlreadyExistsException(string message)
    : StepFunctionsServiceException("StateMachineAlreadyExists", message);
