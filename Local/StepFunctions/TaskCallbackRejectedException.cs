namespace Conduit.Local.StepFunctions;

/// <summary>SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat refused: TaskDoesNotExist, TaskTimedOut or InvalidOutput.</summary>
public sealed class TaskCallbackRejectedException(string errorCode, string message) : StepFunctionsServiceException(errorCode, message);
