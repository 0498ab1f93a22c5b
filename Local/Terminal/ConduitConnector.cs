using System.Net.WebSockets;
using System.Text.Json;

namespace Conduit.Local.Terminal;

/// <summary>
/// Opens an authenticated socket the way the browser client does: the token as the second subprotocol after
/// <c>conduit.v1</c>. Without a token of its own it asks the local stack's development endpoint for a fresh one
/// on every connect, so a reconnect hours later does not present an expired token.
/// </summary>
public sealed class ConduitConnector(TerminalOptions options, HttpClient http)
{
    public const string Subprotocol = "conduit.v1";

    /// <summary>The development token endpoint beside the socket: <c>/{stage}/dev/token</c> over http(s).</summary>
    public Uri TokenEndpoint => new UriBuilder(options.Url)
    {
        Scheme = options.Url.Scheme == "wss" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp,
        Path = $"{options.Url.AbsolutePath.TrimEnd('/')}/dev/token",
        Query = $"user={Uri.EscapeDataString(options.User)}",
    }.Uri;

    /// <exception cref="WebSocketException">The handshake failed or was refused.</exception>
    /// <exception cref="HttpRequestException">The development token could not be had.</exception>
    /// <exception cref="InvalidDataException">The token endpoint answered without a token.</exception>
    /// <exception cref="OperationCanceledException">Cancelled, or no answer within the connect timeout.</exception>
    public async Task<WebSocket> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var token = options.Token ?? await DevelopmentTokenAsync(timeout.Token).ConfigureAwait(false);
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(Subprotocol);
        socket.Options.AddSubProtocol(token);
        try
        {
            await socket.ConnectAsync(options.Url, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<string> DevelopmentTokenAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(TokenEndpoint, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                return document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("token", out var token)
                    && token.ValueKind == JsonValueKind.String
                    && token.GetString() is { Length: > 0 } value
                        ? value
                        : throw new InvalidDataException($"{TokenEndpoint} answered without a token.");
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"{TokenEndpoint} did not answer with JSON.", exception);
            }
        }
    }
}
