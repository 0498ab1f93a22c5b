using System.Net;
using System.Net.Sockets;

namespace Conduit.Bench;

public static class LoopbackPort
{
    /// <summary>A port on 127.0.0.1 nothing listens on now, for a server started next.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
