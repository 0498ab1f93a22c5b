namespace Conduit.Aws.Lambda.Runtime;

/// <summary><c>_HANDLER</c> names no handler this executable serves.</summary>
public sealed class UnknownHandlerException(string? handlerName, IEnumerable<string> known)
    : Exception(handlerName is null
        ? $"{LambdaBootstrap.HandlerVariable} is not set; this executable serves {string.Join(", ", known)}."
        : $"{LambdaBootstrap.HandlerVariable} \"{handlerName}\" is not a handler this executable serves ({string.Join(", ", known)}).");
