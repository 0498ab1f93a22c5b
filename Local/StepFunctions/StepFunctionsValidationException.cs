namespace Conduit.Local.StepFunctions;

/// <summary>A parameter breaks the API's constraints (a missing member, a value out of range): ValidationException.</summary>
public sealed class StepFunctionsValidationException(string message) : StepFunctionsServiceException("ValidationException", message);
