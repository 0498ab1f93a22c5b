using System.Net;
using System.Net.Sockets;

namespace Conduit.Tests.Support;

public static class LoopbackPort
{
    /// <summary>
    /// A port on 127.0.0.1 nothing listens on now, for a server whose port has to be known before it starts; another
    /// process can take it meanwhile, which is why <see cref="DynaliteProcess"/> tries again.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
