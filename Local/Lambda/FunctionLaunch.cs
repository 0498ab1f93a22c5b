namespace Conduit.Local.Lambda;

/// <summary>
/// How to start one execution environment of a function: the bootstrap to run (<c>dotnet bootstrap.dll</c>, or a native
/// executable), the handler string, the function's ARN, its timeout and its environment variables (a null value
/// removes one the host's environment would otherwise pass on).
/// </summary>
public sealed record FunctionLaunch(
    string Name,
    string FileName,
    IReadOnlyList<string> Arguments,
    string Handler,
    string FunctionArn,
    TimeSpan Timeout,
    IReadOnlyDictionary<string, string?> Environment);
