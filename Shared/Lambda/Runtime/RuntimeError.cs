namespace Conduit.Shared.Lambda.Runtime;

/// <summary>
/// The error document the Runtime API takes for a failed invocation or init. The managed .NET runtime names an
/// unhandled exception by its type's short name, and Step Functions matches Retry and Catch on that name, so the
/// bootstrap writes the same.
/// </summary>
public sealed record RuntimeError(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public RuntimeError? Cause { get; init; }

    public static RuntimeError From(Exception exception) =>
        new(exception.Message, exception.GetType().Name, StackTraceLines(exception))
        {
            Cause = exception.InnerException is { } inner ? From(inner) : null,
        };

    private static string[] StackTraceLines(Exception exception) =>
        (exception.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Values of the <c>Lambda-Runtime-Function-Error-Type</c> header, in the Runtime API's <c>Category.Reason</c> form.</summary>
public static class RuntimeErrorTypes
{
    public const string Unhandled = "Unhandled";
    public const string NoSuchHandler = "Runtime.NoSuchHandler";
    public const string ConfigInvalid = "Runtime.ConfigInvalid";
    public const string UnknownReason = "Runtime.UnknownReason";
    public const string ResponseSizeTooLarge = "Function.ResponseSizeTooLarge";
}
