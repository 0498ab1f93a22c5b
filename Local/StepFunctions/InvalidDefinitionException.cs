namespace Conduit.Local.StepFunctions;

public sealed class InvalidDefinitionException(string message) : StepFunctionsServiceException("InvalidDefinition", message);
