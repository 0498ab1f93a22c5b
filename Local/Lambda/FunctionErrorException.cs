namespace Conduit.Local.Lambda;

/// <summary>
/// An invocation that ended in a function error, as Lambda reports one to its caller: <see cref="ErrorType"/> is the
/// error document's <c>errorType</c> (the exception's name, or <c>Runtime.ExitError</c> when the process died), which
/// Step Functions' Retry and Catch match on, and <see cref="ErrorDocument"/> the document itself.
/// </summary>
public sealed class FunctionErrorException(string errorType, string errorDocument)
    : Exception($"{errorType}: {errorDocument}")
{
    public const string ExitError = "Runtime.ExitError";

    public string ErrorType { get; } = errorType;

    public string ErrorDocument { get; } = errorDocument;
}
