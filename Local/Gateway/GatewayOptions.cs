using Conduit.Core.Protocol;

namespace Conduit.Local.Gateway;

/// <summary>The emulated API Gateway WebSocket API's settings; the defaults are API Gateway's quotas.</summary>
public sealed record GatewayOptions
{
    public string Stage { get; init; } = "local";
    public string ApiId { get; init; } = "local";

    /// <summary>API Gateway's message payload quota; a larger client message closes the socket with 1009.</summary>
    public int MaxMessageBytes { get; init; } = 128 * 1024;

    /// <summary>API Gateway's frame size quota; larger server messages are sent as several WebSocket frames.</summary>
    public int MaxFrameBytes { get; init; } = 32 * 1024;

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the server pings an open socket, so proxies between keep it open.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Added to every @connections call, to stand in for the round trip a real one costs from Lambda.</summary>
    public TimeSpan PostLatency { get; init; } = TimeSpan.Zero;

    /// <summary>Routes configured with a route response: the handler's returned body is sent to the client.</summary>
    public IReadOnlySet<string> TwoWayRoutes { get; init; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RouteKeys.SendMessage, RouteKeys.Ping, RouteKeys.Resume, RouteKeys.Cancel, RouteKeys.History, RouteKeys.Default,
        RouteKeys.ListSessions, RouteKeys.RenameSession, RouteKeys.DeleteSession,
    };
}
