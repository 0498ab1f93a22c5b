using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Shared.Ports;

namespace Conduit.Shared.Aws.ApiGatewayManagement;

/// <summary>
/// The API Gateway Management API (@connections) over HttpClient. The endpoint is the stage URL
/// (<c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c> on AWS, <c>http://127.0.0.1:{port}/local</c>
/// locally); on AWS the HttpClient's handler chain signs requests with SigV4 for service <c>execute-api</c>.
/// </summary>
public sealed class ApiGatewayManagementClient : IConnectionSender
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan BaseBackoff = TimeSpan.FromMilliseconds(50);

    private readonly HttpClient _http;
    private readonly string _endpoint;

    public ApiGatewayManagementClient(HttpClient http, Uri endpoint)
    {
        _http = http;
        _endpoint = endpoint.AbsoluteUri.TrimEnd('/');
    }

    public async Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, connectionId, () =>
        {
            var content = new ReadOnlyMemoryContent(data);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return content;
        }, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Gone) return PostResult.Gone;
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return PostResult.Delivered;
    }

    public async Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, connectionId, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Gone) return null;
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        var identity = root.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.Object ? id : default;
        return new ConnectionInfo(
            root.GetProperty("connectedAt").GetDateTimeOffset(),
            root.GetProperty("lastActiveAt").GetDateTimeOffset(),
            ReadOptional(identity, "sourceIp"),
            ReadOptional(identity, "userAgent"));
    }

    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, connectionId, null, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Gone) return false;
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Connection ids end in '=', so the id is percent-encoded as one path segment (RFC 3986 unreserved set);
    /// the signer then encodes each segment once more for the canonical request.
    /// </summary>
    public Uri ConnectionUri(string connectionId) => new($"{_endpoint}/@connections/{Uri.EscapeDataString(connectionId)}");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string connectionId, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, ConnectionUri(connectionId)) { Content = content?.Invoke() };
            var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var throttledOrFailed = response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;
            if (!throttledOrFailed || attempt == MaxAttempts) return response;
            response.Dispose();
            var backoff = BaseBackoff * Math.Pow(2, attempt - 1);
            await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble() / 2), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        throw await AwsServiceException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static string? ReadOptional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
