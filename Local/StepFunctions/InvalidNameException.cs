namespace Conduit.Local.StepFunctions;

public sealed class InvalidNameException(string message) : StepFunctionsServiceException("InvalidName", message);
