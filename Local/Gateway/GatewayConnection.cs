using System.Net.WebSockets;

namespace Conduit.Local.Gateway;

/// <summary>One client socket. Sends are serialised: a WebSocket allows one send at a time.</summary>
public sealed class GatewayConnection(
    string connectionId, WebSocket socket, DateTimeOffset connectedAt, string? sourceIp, string? userAgent)
{
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private long _lastActiveAtMs = connectedAt.ToUnixTimeMilliseconds();

    public string ConnectionId { get; } = connectionId;
    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.FromUnixTimeMilliseconds(connectedAt.ToUnixTimeMilliseconds());
    public string? SourceIp { get; } = sourceIp;
    public string? UserAgent { get; } = userAgent;
    public DateTimeOffset LastActiveAt => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lastActiveAtMs));
    public bool IsOpen => socket.State == WebSocketState.Open;

    public void Touch(DateTimeOffset at) => Interlocked.Exchange(ref _lastActiveAtMs, at.ToUnixTimeMilliseconds());

    /// <summary>Sends one text message, split into frames of at most <paramref name="maxFrameBytes"/>.</summary>
    public async Task SendTextAsync(ReadOnlyMemory<byte> message, int maxFrameBytes, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var offset = 0;
            do
            {
                var length = Math.Min(maxFrameBytes, message.Length - offset);
                var last = offset + length == message.Length;
                await socket.SendAsync(message.Slice(offset, length), WebSocketMessageType.Text, last, cancellationToken)
                    .ConfigureAwait(false);
                offset += length;
            }
            while (offset < message.Length);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Drops the socket without waiting for the client: for clients that never answer a close.</summary>
    public void Abort() => socket.Abort();

    public async Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(status, description, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException)
        {
            // The peer vanished mid-close; the receive loop observes the same and cleans up.
        }
        finally
        {
            _sendGate.Release();
        }
    }
}
