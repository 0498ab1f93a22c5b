namespace Conduit.Local.StepFunctions;

public sealed class StateMachineDoesNotExistException(string message) : StepFunctionsServiceException("StateMachineDoesNotExist", message);
