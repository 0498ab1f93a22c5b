namespace Conduit.Local.StepFunctions;

public sealed class InvalidArnException(string message) : StepFunctionsServiceException("InvalidArn", message);
