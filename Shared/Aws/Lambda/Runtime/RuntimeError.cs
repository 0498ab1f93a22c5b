namespace Conduit.Aws.Lambda.Runtime;

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
