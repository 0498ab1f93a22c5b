namespace Conduit.Local.Hosting;

/// <summary>The host's port is taken; the message says which and how to choose another.</summary>
public sealed class PortInUseException(int port)
    : IOException($"port {port} on 127.0.0.1 is in use (is another Conduit host running?); stop it or pass --port <n>.")
{
    public int Port { get; } = port;
}
