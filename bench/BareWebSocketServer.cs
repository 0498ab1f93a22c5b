using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conduit.Bench;

/// <summary>
/// The floor for an ack: Kestrel's WebSocket server in this process, answering each sendMessage at once with an ack of
/// the same shape as Conduit's, with no store, no queue and no function in between.
/// </summary>
public sealed class BareWebSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareWebSocketServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareWebSocketServer> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/local", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            var offered = context.WebSockets.WebSocketRequestedProtocols;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(offered.Contains("conduit.v1") ? "conduit.v1" : null);
            await AnswerAsync(socket, context.RequestAborted);
        });
        await app.StartAsync();
        return new BareWebSocketServer(app, new Uri($"ws://127.0.0.1:{port}/local"));
    }

    private static async Task AnswerAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (socket.State == WebSocketState.Open)
        {
            var received = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(received), cancellationToken);
                received += result.Count;
            }
            while (!result.EndOfMessage && received < buffer.Length);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            using var message = JsonDocument.Parse(buffer.AsMemory(0, received));
            var requestId = message.RootElement.GetProperty("requestId").GetString();
            var ack = JsonSerializer.SerializeToUtf8Bytes(new { type = "ack", requestId, sessionId = "0123456789abcdef0123456789abcdef" });
            await socket.SendAsync(ack, WebSocketMessageType.Text, true, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
