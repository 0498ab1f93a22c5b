using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>A protocol client over a real ClientWebSocket: every received message lands in a channel, in order.</summary>
public sealed class ChatConnection : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _frames = Channel.CreateUnbounded<JsonElement>();
    private readonly Task _receiving;
    private readonly LinkedList<JsonElement> _setAside = new();

    private ChatConnection(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<ChatConnection> OpenAsync(Uri url, string? origin = null, string? token = null)
    {
        var socket = new ClientWebSocket();
        if (origin is not null) socket.Options.SetRequestHeader("Origin", origin);
        if (token is not null)
        {
            socket.Options.AddSubProtocol("conduit.v1");
            socket.Options.AddSubProtocol(token);
        }
        using var timeout = new CancellationTokenSource(Patience);
        await socket.ConnectAsync(url, timeout.Token);
        return new ChatConnection(socket);
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task SendAsync(object frame) => SendTextAsync(JsonSerializer.Serialize(frame));

    public Task SendMessageAsync(string requestId, string text, string? sessionId = null) =>
        SendAsync(sessionId is null
            ? new { action = "sendMessage", requestId, text }
            : new { action = "sendMessage", requestId, sessionId, text });

    public Task ResumeAsync(string sessionId, long afterSeq) => SendAsync(new { action = "resume", sessionId, afterSeq });

    public Task CancelAsync(string requestId) => SendAsync(new { action = "cancel", requestId });

    /// <summary>Reads frames until one of <paramref name="type"/> arrives; returns all of them, that one last.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadUntilAsync(string type)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            var frame = await NextAsync();
            frames.Add(frame);
            if (frame.GetProperty("type").GetString() == type) return frames;
        }
    }

    public async Task<JsonElement> NextAsync()
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
        var passed = new List<JsonElement>();
        while (true)
        {
            var frame = await NextAsync();
            if (frame.GetProperty("type").GetString() == "ack" && frame.GetProperty("requestId").GetString() == requestId)
            {
                for (var i = passed.Count - 1; i >= 0; i--) _setAside.AddFirst(passed[i]);
                return frame;
            }
            passed.Add(frame);
        }
    }

    /// <summary>Reads frames until the turn's <c>done</c> or turn <c>error</c>, returning all of them.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadTurnAsync(string requestId)
    {
        var frames = new List<JsonElement>();
        while (true)
        {
            var frame = await NextAsync();
            frames.Add(frame);
            var type = frame.GetProperty("type").GetString();
            var ofTurn = frame.TryGetProperty("requestId", out var id) && id.GetString() == requestId;
            if (ofTurn && (type == "done" || (type == "error" && frame.TryGetProperty("seq", out _)))) return frames;
        }
    }

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
        var buffer = new byte[64 * 1024];
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
                using var document = JsonDocument.Parse(message.ToArray());
                _frames.Writer.TryWrite(document.RootElement.Clone());
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
