namespace Conduit.Local.StepFunctions;

/// <summary>
/// A request the Step Functions API would reject; <see cref="ErrorCode"/> is the API's error type, so a host can
/// answer with the same <c>__type</c> AWS would.
/// </summary>
public abstract class StepFunctionsServiceException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}

public sealed class InvalidNameException(string message) : StepFunctionsServiceException("InvalidName", message);

public sealed class InvalidExecutionInputException(string message) : StepFunctionsServiceException("InvalidExecutionInput", message);

public sealed class ExecutionAlreadyExistsException(string message) : StepFunctionsServiceException("ExecutionAlreadyExists", message);

public sealed class ExecutionDoesNotExistException(string message) : StepFunctionsServiceException("ExecutionDoesNotExist", message);
