using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Conduit.Core.Ports;

namespace Conduit.Aws.ApiGatewayManagement;

/// <summary>
/// The API Gateway Management API (@connections) over <see cref="AwsHttp"/>, signed for <c>execute-api</c>. The
/// endpoint is the stage URL (<c>https://{api}.execute-api.{region}.amazonaws.com/{stage}</c> on AWS,
/// <c>http://127.0.0.1:{port}/local</c> locally, where <see cref="AwsClientSettings.SignRequests"/> is false): the
/// API has no regional endpoint, so <see cref="AwsClientSettings.ServiceUrl"/> plays no part.
/// </summary>
public sealed class ApiGatewayManagementClient : IConnectionSender
{
    public const string SigningName = "execute-api";

    private readonly AwsHttp _http;
    private readonly string _endpoint;

    public ApiGatewayManagementClient(Uri endpoint, AwsClientSettings settings)
    {
        _http = new AwsHttp(SigningName, settings);
        _endpoint = endpoint.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>
    /// Gone when the connection no longer exists; TooLarge when API Gateway refuses the payload as over 128 KB (413,
    /// <see cref="AwsPayloadTooLargeException"/>), which no retry can cure; any other refusal or transport failure is a
    /// failed result. Each carries the typed error.
    /// </summary>
    public async Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Post, connectionId, () =>
            {
                var content = new ReadOnlyMemoryContent(data);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                return content;
            }, cancellationToken).ConfigureAwait(false);
            return response is null ? PostResult.Gone : PostResult.Delivered;
        }
        catch (AwsPayloadTooLargeException exception)
        {
            return PostResult.TooLarge(exception);
        }
        catch (Exception exception) when (exception is AwsServiceException or HttpRequestException)
        {
            return PostResult.Failed(exception);
        }
    }

    public async Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, connectionId, null, cancellationToken).ConfigureAwait(false);
        if (response is null) return null;
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            var identity = root.TryGetProperty("identity", out var id) && id.ValueKind == JsonValueKind.Object ? id : default;
            return new ConnectionInfo(
                root.GetProperty("connectedAt").GetDateTimeOffset(),
                root.GetProperty("lastActiveAt").GetDateTimeOffset(),
                ReadOptional(identity, "sourceIp"),
                ReadOptional(identity, "userAgent"));
        }
    }

    public async Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, connectionId, null, cancellationToken).ConfigureAwait(false);
        return response is not null;
    }

    /// <summary>
    /// Connection ids are base64 ('=', '/', '+'), so the id is percent-encoded as one path segment (RFC 3986
    /// unreserved set); the signer then encodes each segment once more for the canonical request.
    /// </summary>
    public Uri ConnectionUri(string connectionId) => new($"{_endpoint}/@connections/{Uri.EscapeDataString(connectionId)}");

    /// <summary>The successful answer, or null for 410 Gone; any other failure throws the typed exception.</summary>
    private async Task<HttpResponseMessage?> SendAsync(
        HttpMethod method, string connectionId, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var response = await _http.SendAsync(
            () => new HttpRequestMessage(method, ConnectionUri(connectionId)) { Content = content?.Invoke() },
            HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Gone) return null;
            throw await AwsServiceException.FromResponseAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? ReadOptional(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
