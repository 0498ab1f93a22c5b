using Microsoft.Extensions.Logging;

namespace Conduit.Local.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Ingress failed on route {RouteKey} for connection {ConnectionId}")]
    public static partial void IngressFailed(ILogger logger, Exception exception, string routeKey, string connectionId);
}
