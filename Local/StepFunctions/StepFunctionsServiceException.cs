namespace Conduit.Local.StepFunctions;

/// <summary>
/// A request the Step Functions API would reject; <see cref="ErrorCode"/> is the API's error type, so a host can
/// answer with the same <c>__type</c> AWS would.
/// </summary>
public abstract class StepFunctionsServiceException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}
