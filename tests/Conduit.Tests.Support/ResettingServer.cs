using System.Net;
using System.Net.Sockets;

namespace Conduit.Tests.Support;

/// <summary>
/// A loopback TCP listener that reads the start of each request and then resets the connection (RST, no byte of an
/// answer), as a model server that crashes or a proxy that drops the connection does.
/// </summary>
public sealed class ResettingServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private int _connections;

    private ResettingServer(TcpListener listener)
    {
        _listener = listener;
        _accepting = AcceptAsync();
    }

    public Uri HttpBase => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>How many connections were accepted and reset.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static ResettingServer Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new ResettingServer(listener);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            using var socket = await _listener.AcceptSocketAsync(_stopping.Token);
            var buffer = new byte[1024];
            await socket.ReceiveAsync(buffer, SocketFlags.None, _stopping.Token);
            Interlocked.Increment(ref _connections);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }
}
