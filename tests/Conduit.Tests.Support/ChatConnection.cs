using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Conduit.Tests.Support;

/// <summary>
/// A protocol client over a real ClientWebSocket: every received message lands in a channel, in order, stamped with
/// the moment its last byte arrived (the bench measures latencies from the stamps; the tests read the frames).
/// </summary>
public sealed class ChatConnection : IAsyncDisposable
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>Messages may be larger (the gateway allows 128 KB); they are read in pieces of this size.</summary>
    private const int ReceiveBufferBytes = 8 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly Channel<ReceivedFrame> _frames = Channel.CreateUnbounded<ReceivedFrame>();
    private readonly Task _receiving;
    private readonly LinkedList<ReceivedFrame> _setAside = new();

    private ChatConnection(ClientWebSocket socket, TimeSpan patience)
    {
        _socket = socket;
        Patience = patience;
        _receiving = ReceiveAsync();
    }

    /// <summary>How long a read waits for the next frame before the test (or the bench run) fails.</summary>
    public TimeSpan Patience { get; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseStatusDescription => _socket.CloseStatusDescription;

    /// <summary>The subprotocol the server chose in its handshake answer.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <param name="token">Offered as the second subprotocol after <c>conduit.v1</c>, as the chat page offers it.</param>
    /// <param name="invoker">Opens the TCP connection, for a client that must come from a given source address.</param>
    public static async Task<ChatConnection> OpenAsync(
        Uri url, string? origin = null, string? token = null, TimeSpan? patience = null, HttpMessageInvoker? invoker = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        if (token is not null)
        {
            socket.Options.AddSubProtocol("conduit.v1");
            socket.Options.AddSubProtocol(token);
        }
        var wait = patience ?? DefaultPatience;
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await socket.ConnectAsync(url, invoker, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new ChatConnection(socket, wait);
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>
    /// Sends one text message as WebSocket frames of at most <paramref name="maxFrameBytes"/> each, as a client must for a
    /// message over API Gateway's 32 KB frame quota.
    /// </summary>
    public async Task SendTextInFramesAsync(string text, int maxFrameBytes)
    {
        var message = Encoding.UTF8.GetBytes(text);
        var offset = 0;
        do
        {
            var length = Math.Min(maxFrameBytes, message.Length - offset);
            var last = offset + length == message.Length;
            await _socket.SendAsync(message.AsMemory(offset, length), WebSocketMessageType.Text, last, CancellationToken.None);
            offset += length;
        }
        while (offset < message.Length);
    }

    /// <summary>Sends <paramref name="bytes"/> as a text message as they are, valid UTF-8 or not.</summary>
    public Task SendTextBytesAsync(byte[] bytes) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendMessageAsync(string requestId, string text, string? sessionId = null) =>
        SendAsync(sessionId is null
            ? new { action = "sendMessage", requestId, text }
            : new { action = "sendMessage", requestId, sessionId, text });

    public Task PingAsync() => SendAsync(new { action = "ping" });

    public Task ResumeAsync(string sessionId, long afterSeq) => SendAsync(new { action = "resume", sessionId, afterSeq });

    public Task CancelAsync(string requestId) => SendAsync(new { action = "cancel", requestId });

    /// <summary>Reads frames until one of <paramref name="type"/> arrives; returns all of them, that one last.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadUntilAsync(string type) =>
        [.. (await ReadUntilAsync(frame => ChatFrames.Is(frame, type))).Select(received => received.Frame)];

    /// <summary>Reads frames until the first one <paramref name="stop"/> accepts; returns all of them, that one last.</summary>
    public async Task<IReadOnlyList<ReceivedFrame>> ReadUntilAsync(Func<JsonElement, bool> stop)
    {
        var frames = new List<ReceivedFrame>();
        while (true)
        {
            var received = await NextReceivedAsync();
            frames.Add(received);
            if (stop(received.Frame)) return frames;
        }
    }

    public async Task<JsonElement> NextAsync() => (await NextReceivedAsync()).Frame;

    /// <summary>The next frame with the moment it arrived; frames set aside by <see cref="AckAsync"/> come first.</summary>
    public async Task<ReceivedFrame> NextReceivedAsync()
    {
        if (_setAside.First is { } first)
        {
            _setAside.RemoveFirst();
            return first.Value;
        }
        using var timeout = new CancellationTokenSource(Patience);
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>
    /// The ack of <paramref name="requestId"/>. The ack is the route response, so a turn's first status frame,
    /// posted by the Dispatcher, can overtake it; frames read past on the way are kept, in order, for NextAsync.
    /// </summary>
    public async Task<JsonElement> AckAsync(string requestId)
    {
        var passed = new List<ReceivedFrame>();
        while (true)
        {
            var received = await NextReceivedAsync();
            if (ChatFrames.Is(received.Frame, "ack", requestId))
            {
                for (var i = passed.Count - 1; i >= 0; i--) _setAside.AddFirst(passed[i]);
                return received.Frame;
            }
            passed.Add(received);
        }
    }

    /// <summary>Reads frames until the turn's <c>done</c> or turn <c>error</c>, returning all of them.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadTurnAsync(string requestId) =>
        [.. (await ReadUntilAsync(frame => ChatFrames.EndsTurn(frame, requestId))).Select(received => received.Frame)];

    /// <summary>Completes when the server has closed the socket.</summary>
    public async Task WaitForCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await _receiving.WaitAsync(timeout.Token);
    }

    /// <summary>Drops the socket without a closing handshake, as a lost network or a closed laptop lid does.</summary>
    public async Task AbortAsync()
    {
        _socket.Abort();
        await _receiving.WaitAsync(Patience);
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server closed or dropped the socket first; disposing is all that is left.
        }
        _socket.Dispose();
        await _receiving.WaitAsync(Patience).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[ReceiveBufferBytes];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    return;
                }
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var receivedAt = Stopwatch.GetTimestamp();
                using var document = JsonDocument.Parse(message.GetBuffer().AsMemory(0, (int)message.Length));
                _frames.Writer.TryWrite(new ReceivedFrame(document.RootElement.Clone(), receivedAt));
                message.SetLength(0);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // An abrupt close, or this side's abort, ends the stream of frames like a clean one; tests assert on what arrived.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
