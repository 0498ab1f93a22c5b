using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Conduit.Local.Hosting;

namespace Conduit.Bench;

/// <summary>A protocol client that stamps every received frame with the moment its last byte arrived.</summary>
public sealed class BenchClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<(JsonElement Frame, long ReceivedAt)> _frames = Channel.CreateUnbounded<(JsonElement, long)>();
    private readonly Task _receiving;

    private BenchClient(ClientWebSocket socket)
    {
        _socket = socket;
        _receiving = ReceiveAsync();
    }

    public static async Task<BenchClient> ConnectAsync(Uri url, string token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("conduit.v1");
        socket.Options.AddSubProtocol(token);
        await socket.ConnectAsync(url, CancellationToken.None);
        return new BenchClient(socket);
    }

    /// <summary>A client signed in as <paramref name="user"/> with a development token the host issues.</summary>
    public static async Task<BenchClient> ConnectAsUserAsync(LocalHostOptions host, string user)
    {
        using var http = new HttpClient { BaseAddress = host.HttpBase };
        var token = (await http.GetFromJsonAsync<JsonElement>($"/local/dev/token?user={user}")).GetProperty("token").GetString()!;
        return await ConnectAsync(host.WebSocketUrl, token);
    }

    public Task SendMessageAsync(string requestId, string text, string? sessionId = null) =>
        SendAsync(sessionId is null
            ? JsonSerializer.Serialize(new { action = "sendMessage", requestId, text })
            : JsonSerializer.Serialize(new { action = "sendMessage", requestId, sessionId, text }));

    public Task SendAsync(string json) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task<(JsonElement Frame, long ReceivedAt)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Frames until the first one <paramref name="stop"/> accepts, that one included.</summary>
    public async Task<List<(JsonElement Frame, long ReceivedAt)>> ReadUntilAsync(Func<JsonElement, bool> stop)
    {
        var frames = new List<(JsonElement, long)>();
        while (true)
        {
            var next = await NextAsync();
            frames.Add(next);
            if (stop(next.Frame)) return frames;
        }
    }

    public static bool Is(JsonElement frame, string type, string? requestId = null) =>
        frame.GetProperty("type").GetString() == type
        && (requestId is null || (frame.TryGetProperty("requestId", out var id) && id.GetString() == requestId));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
            // The host may have gone first; the measurement is over either way.
        }
        _socket.Dispose();
        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default);
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
                if (result.MessageType == WebSocketMessageType.Close) return;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var at = Stopwatch.GetTimestamp();
                using var document = JsonDocument.Parse(message.ToArray());
                _frames.Writer.TryWrite((document.RootElement.Clone(), at));
                message.SetLength(0);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A closed socket ends the stream of frames.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
