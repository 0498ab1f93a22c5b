using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Core.Protocol;
using Conduit.Local.Lambda;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.Gateway;

/// <summary>
/// Emulates an API Gateway WebSocket API stage: gives each socket a connectionId, invokes the Ingress handler
/// with the events API Gateway would send (<c>$connect</c>, routed messages, <c>$disconnect</c>), returns two-way
/// route responses, enforces the message size and idle quotas, and backs the @connections API.
/// </summary>
public sealed class WebSocketGateway(
    LambdaHandler ingress, GatewayOptions options, TimeProvider time, ILogger<WebSocketGateway> logger)
{
    private const string ShuttingDown = "Server shutting down";

    private readonly ConcurrentDictionary<string, GatewayConnection> _connections = new(StringComparer.Ordinal);
    private int _stopping;

    public IReadOnlyCollection<string> ConnectionIds => [.. _connections.Keys];

    public GatewayConnection? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            await context.Response.WriteAsync("This is a WebSocket endpoint; connect with a WebSocket client.", context.RequestAborted)
                .ConfigureAwait(false);
            return;
        }

        var connectionId = NewConnectionId();
        var connectedAt = time.GetUtcNow();
        var identity = new WebSocketIdentity
        {
            SourceIp = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = context.Request.Headers.UserAgent.ToString(),
        };
        var host = context.Request.Host.HasValue ? context.Request.Host.Value : "127.0.0.1";
        var connect = await InvokeAsync(new WebSocketRequestEvent
        {
            RequestContext = Context(RouteKeys.Connect, WebSocketEventTypes.Connect, connectionId, connectedAt, identity, host),
            Headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            QueryStringParameters = context.Request.Query.Count == 0
                ? null
                : context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
        }).ConfigureAwait(false);
        if (connect is null || connect.StatusCode is < 200 or > 299)
        {
            context.Response.StatusCode = connect?.StatusCode ?? StatusCodes.Status500InternalServerError;
            return;
        }

        var subprotocol = connect.Headers?
            .FirstOrDefault(h => h.Key.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase)).Value;
        var (accepted, frames) = await AcceptWebSocketAsync(context, subprotocol, options.KeepAliveInterval, options.MaxFrameBytes)
            .ConfigureAwait(false);
        using var socket = accepted;
        var connection = new GatewayConnection(connectionId, socket, connectedAt, identity.SourceIp, identity.UserAgent);
        _connections[connectionId] = connection;
        if (Interlocked.CompareExchange(ref _stopping, 0, 0) == 1)
        {
            await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, ShuttingDown, CancellationToken.None)
                .ConfigureAwait(false);
        }
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var idleWatch = WatchIdleAsync(connection, closed.Token);
        var (closeStatus, closeReason) = (WebSocketCloseStatus.NormalClosure, "Normal closure");
        try
        {
            (closeStatus, closeReason) = await ReceiveLoopAsync(connection, socket, frames, identity, host, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            (closeStatus, closeReason) = (WebSocketCloseStatus.EndpointUnavailable, "Connection lost");
        }
        finally
        {
            _connections.TryRemove(connectionId, out _);
            await closed.CancelAsync().ConfigureAwait(false);
            await idleWatch.ConfigureAwait(false);
        }
        await connection.CloseAsync(closeStatus, closeReason, CancellationToken.None).ConfigureAwait(false);
        await InvokeAsync(new WebSocketRequestEvent
        {
            RequestContext = Context(RouteKeys.Disconnect, WebSocketEventTypes.Disconnect, connectionId, connectedAt, identity, host) with
            {
                DisconnectStatusCode = (int)closeStatus,
                DisconnectReason = closeReason,
            },
        }).ConfigureAwait(false);
    }

    private static readonly (WebSocketCloseStatus, string) FrameTooBig = (WebSocketCloseStatus.MessageTooBig, "Frame too big");

    /// <summary>The @connections POST: one text message to the client, or why not.</summary>
    public async Task<PostOutcome> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length > options.MaxMessageBytes) return PostOutcome.TooLarge;
        if (Find(connectionId) is not { IsOpen: true } connection) return PostOutcome.Gone;
        try
        {
            await connection.SendTextAsync(data, options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
            connection.Touch(time.GetUtcNow());
            return PostOutcome.Delivered;
        }
        catch (WebSocketException)
        {
            return PostOutcome.Gone;
        }
    }

    /// <summary>
    /// Says goodbye to every client when the host stops (1001, going away), so their receive loops end and the
    /// host can stop at once; clients then reconnect and resume against the next run. A client that does not
    /// answer the close within <paramref name="grace"/> is dropped, so none can hold the shutdown.
    /// </summary>
    public async Task CloseAllAsync(TimeSpan grace)
    {
        // Set before the connections are listed, and read by a handshake after it registers its connection: whichever
        // comes second sees the other, so no socket accepted while the host stops is left open until it is dropped.
        Interlocked.Exchange(ref _stopping, 1);
        using var timeout = new CancellationTokenSource(grace, time);
        var closing = _connections.Values
            .Select(c => c.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, ShuttingDown, timeout.Token));
        await Task.WhenAll(closing).ConfigureAwait(false);
        var deadline = time.GetTimestamp();
        while (!_connections.IsEmpty && time.GetElapsedTime(deadline) < grace)
            await Task.Delay(TimeSpan.FromMilliseconds(20), time).ConfigureAwait(false);
        foreach (var connection in _connections.Values) connection.Abort();
    }

    /// <summary>The @connections DELETE: closes the socket; false when it was already gone.</summary>
    public async Task<bool> DisconnectAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (Find(connectionId) is not { IsOpen: true } connection) return false;
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "Connection deleted", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Closes the connection once nothing has passed either way for the idle timeout. It sends a close frame
    /// rather than cancelling the pending receive, because cancelling a WebSocket receive aborts the socket and
    /// the client would see no close status at all.
    /// </summary>
    private async Task WatchIdleAsync(GatewayConnection connection, CancellationToken closed)
    {
        try
        {
            while (true)
            {
                var idleFor = time.GetUtcNow() - connection.LastActiveAt;
                if (idleFor >= options.IdleTimeout)
                {
                    await connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Idle timeout", closed).ConfigureAwait(false);
                    return;
                }
                await Task.Delay(options.IdleTimeout - idleFor, time, closed).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection closed first; there is nothing left to watch.
        }
    }

    /// <summary>
    /// Completes the handshake over the upgraded connection itself, so the socket reads through a
    /// <see cref="ClientFrameStream"/>; a request that cannot be upgraded that way (HTTP/2) gets the framework's
    /// socket, which checks text itself.
    /// </summary>
    private static async Task<(WebSocket Socket, ClientFrameStream? Frames)> AcceptWebSocketAsync(
        HttpContext context, string? subprotocol, TimeSpan keepAlive, int maxFrameBytes)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is not { IsUpgradableRequest: true } upgrade)
            return (await context.WebSockets.AcceptWebSocketAsync(subprotocol).ConfigureAwait(false), null);

        var key = context.Request.Headers.SecWebSocketKey.ToString();
        context.Response.StatusCode = StatusCodes.Status101SwitchingProtocols;
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = HandshakeAccept(key);
        if (subprotocol is not null) context.Response.Headers.SecWebSocketProtocol = subprotocol;
        var frames = new ClientFrameStream(await upgrade.UpgradeAsync().ConfigureAwait(false), maxFrameBytes);
        var socket = WebSocket.CreateFromStream(
            frames, new WebSocketCreationOptions { IsServer = true, SubProtocol = subprotocol, KeepAliveInterval = keepAlive });
        return (socket, frames);
    }

    /// <summary>RFC 6455 section 4.2.2 fixes SHA-1 here; it proves the handshake was read, it protects nothing.</summary>
#pragma warning disable CA5350
    private static string HandshakeAccept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350

    /// <summary>A message's type as the client sent it, whatever the socket reports (see <see cref="ClientFrameStream"/>).</summary>
    private static WebSocketMessageType SentAs(WebSocketMessageType reported, ClientFrameStream? frames) =>
        frames?.NextMessageWasText() == true ? WebSocketMessageType.Text : reported;

    private async Task<(WebSocketCloseStatus, string)> ReceiveLoopAsync(
        GatewayConnection connection,
        WebSocket socket,
        ClientFrameStream? frames,
        WebSocketIdentity identity,
        string host,
        CancellationToken aborted)
    {
        for (var messages = 0; ; messages++)
        {
            // A zero-byte read waits for the next frame without holding a buffer: most connections are idle most of
            // the time, and 10,000 of them would otherwise pin 16 KB each.
            var waiting = await socket.ReceiveAsync(Memory<byte>.Empty, aborted).ConfigureAwait(false);
            if (waiting.MessageType == WebSocketMessageType.Close)
                return (socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "Client closed");
            if (frames?.OversizedBy(messages) == true) return FrameTooBig;
            if (waiting.EndOfMessage)
            {
                // An empty message fits in a zero-byte read whole; it is still a message and gets its answer.
                connection.Touch(time.GetUtcNow());
                await RouteAsync(connection, SentAs(waiting.MessageType, frames), ReadOnlyMemory<byte>.Empty, identity, host, aborted)
                    .ConfigureAwait(false);
                continue;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    received = await socket.ReceiveAsync(buffer.AsMemory(length), aborted).ConfigureAwait(false);
                    if (received.MessageType == WebSocketMessageType.Close)
                        return (socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "Client closed");
                    length += received.Count;
                    if (length > options.MaxMessageBytes) return (WebSocketCloseStatus.MessageTooBig, "Message too big");
                    if (frames?.OversizedBy(messages) == true) return FrameTooBig;
                }
                while (!received.EndOfMessage);

                connection.Touch(time.GetUtcNow());
                var type = SentAs(received.MessageType, frames);
                if (type == WebSocketMessageType.Text && !Utf8.IsValid(buffer.AsSpan(0, length)))
                    return (WebSocketCloseStatus.InvalidPayloadData, "Text message is not valid UTF-8");
                await RouteAsync(connection, type, buffer.AsMemory(0, length), identity, host, aborted).ConfigureAwait(false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private async Task RouteAsync(
        GatewayConnection connection,
        WebSocketMessageType type,
        ReadOnlyMemory<byte> payload,
        WebSocketIdentity identity,
        string host,
        CancellationToken cancellationToken)
    {
        var binary = type == WebSocketMessageType.Binary;
        var body = binary ? Convert.ToBase64String(payload.Span) : Encoding.UTF8.GetString(payload.Span);
        var routeKey = ProtocolParser.SelectRoute(body, binary);
        var response = await InvokeAsync(new WebSocketRequestEvent
        {
            RequestContext = Context(
                routeKey, WebSocketEventTypes.Message, connection.ConnectionId, connection.ConnectedAt, identity, host) with
            {
                MessageId = NewConnectionId(),
            },
            Body = body,
            IsBase64Encoded = binary,
        }).ConfigureAwait(false);

        string? reply = response is null
            ? $$"""{"message": "Internal server error", "connectionId":"{{connection.ConnectionId}}"}"""
            : options.TwoWayRoutes.Contains(routeKey) ? response.Body : null;
        if (reply is not null)
            await connection.SendTextAsync(Encoding.UTF8.GetBytes(reply), options.MaxFrameBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Calls the Ingress handler; null when it failed, which API Gateway reports as an internal error.</summary>
    private async Task<ProxyResponse?> InvokeAsync(WebSocketRequestEvent request)
    {
        try
        {
            using var input = new MemoryStream();
            JsonSerializer.Serialize(input, request, AwsJsonContext.Wire.WebSocketRequestEvent);
            input.Position = 0;
            var output = await ingress(input).ConfigureAwait(false);
            await using (output.ConfigureAwait(false))
            {
                return await JsonSerializer.DeserializeAsync(output, AwsJsonContext.Wire.ProxyResponse).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            GatewayLog.IngressFailed(logger, exception, request.RequestContext.RouteKey, request.RequestContext.ConnectionId);
            return null;
        }
    }

    private WebSocketRequestContext Context(
        string routeKey, string eventType, string connectionId, DateTimeOffset connectedAt, WebSocketIdentity identity, string host)
    {
        var now = time.GetUtcNow();
        return new WebSocketRequestContext
        {
            RouteKey = routeKey,
            EventType = eventType,
            ConnectionId = connectionId,
            ConnectedAt = connectedAt.ToUnixTimeMilliseconds(),
            RequestTimeEpoch = now.ToUnixTimeMilliseconds(),
            RequestTime = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", System.Globalization.CultureInfo.InvariantCulture),
            DomainName = host,
            Stage = options.Stage,
            ApiId = options.ApiId,
            RequestId = Guid.NewGuid().ToString("N"),
            MessageDirection = "IN",
            Identity = identity,
        };
    }

    /// <summary>Shaped like API Gateway's ids (base64 of 10 random bytes, so they end in '='), to exercise URL encoding.</summary>
    private static string NewConnectionId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(10));
}
