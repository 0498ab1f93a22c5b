using System.Net;

namespace Conduit.OpenAi;

/// <summary>
/// An OpenAI-compatible server refused or failed a chat completion: a non-success answer, an error inside a
/// stream, or a stream that broke off. Throttling is reported as <c>ModelThrottledException</c> instead, with this
/// as its inner exception.
/// </summary>
public sealed class OpenAiCompatibleException(HttpStatusCode? statusCode, string serverMessage, string? errorType = null)
    : Exception(statusCode is { } status
        ? $"The model server answered {(int)status}: {serverMessage}"
        : $"The model server failed: {serverMessage}")
{
    /// <summary>The HTTP status, or the numeric <c>code</c> of an in-stream error; null when the server gave neither.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>The server's own words (<c>error.message</c>), or what went wrong on the wire.</summary>
    public string ServerMessage { get; } = serverMessage;

    /// <summary>The server's <c>error.type</c> when it sent one (e.g. <c>invalid_request_error</c>).</summary>
    public string? ErrorType { get; } = errorType;
}
