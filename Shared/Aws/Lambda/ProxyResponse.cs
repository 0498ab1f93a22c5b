namespace Conduit.Aws.Lambda;

/// <summary>
/// What a proxy integration returns. On <c>$connect</c> a non-2xx status refuses the connection; on a two-way
/// route the body is sent to the client as one message.
/// </summary>
public sealed record ProxyResponse(int StatusCode, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null);
