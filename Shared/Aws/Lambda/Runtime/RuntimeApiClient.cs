using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Aws.Serialization;

namespace Conduit.Aws.Lambda.Runtime;

/// <summary>
/// The Lambda Runtime API (<c>http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01</c>) that a provided.al2023 bootstrap
/// polls for invocations and answers. The posts return the status rather than throwing: what the bootstrap does
/// next depends on it (202 go on, 413 report an error instead, 500 exit).
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";
    public const string ErrorContentType = "application/vnd.aws.lambda.error+json";

    private readonly HttpClient _http;

    /// <param name="runtimeApi">The host and port Lambda puts in <c>AWS_LAMBDA_RUNTIME_API</c>.</param>
    public RuntimeApiClient(string runtimeApi)
    {
        // No timeout: Lambda freezes the process between invokes while the next request is open. No proxy: a
        // function's HTTP(S)_PROXY is for its outbound calls, never for the local Runtime API.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<RuntimeInvocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException(
                $"The Runtime API answered the next invocation with {(int)response.StatusCode}.", null, response.StatusCode);
        }
        var requestId = Header(response, RequestIdHeader)
            ?? throw new HttpRequestException($"The Runtime API sent an invocation without {RequestIdHeader}.");
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new RuntimeInvocation(requestId, Header(response, TraceIdHeader), body);
    }

    public async Task<HttpStatusCode> PostResponseAsync(string requestId, Stream result, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"runtime/invocation/{Uri.EscapeDataString(requestId)}/response")
        {
            Content = new StreamContent(result),
        };
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public Task<HttpStatusCode> PostErrorAsync(
        string requestId, string errorType, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorDocumentAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", errorType, error, cancellationToken);

    public Task<HttpStatusCode> PostInitErrorAsync(string errorType, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorDocumentAsync("runtime/init/error", errorType, error, cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<HttpStatusCode> PostErrorDocumentAsync(
        string path, string errorType, RuntimeError error, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, AwsJsonContext.Wire.RuntimeError));
        content.Headers.ContentType = new MediaTypeHeaderValue(ErrorContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Headers = { { ErrorTypeHeader, errorType } },
        };
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpStatusCode> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
