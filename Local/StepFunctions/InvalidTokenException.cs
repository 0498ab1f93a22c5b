namespace Conduit.Local.StepFunctions;

public sealed class InvalidTokenException(string message) : StepFunctionsServiceException("InvalidToken", message);
