using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Local.Gateway;

public static class GatewayWebSockets
{
    /// <summary>
    /// ASP.NET's WebSocket support, with each upgraded connection's incoming frames watched for API Gateway's frame
    /// quota (<see cref="GatewayOptions.MaxFrameBytes"/>): the middleware takes the upgrade feature when a request
    /// arrives, so the watch must be in place before it.
    /// </summary>
    public static IApplicationBuilder UseGatewayWebSockets(this IApplicationBuilder app, GatewayOptions options, WebSocketOptions settings)
    {
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            {
                var watch = new ClientFrameWatch(upgrade, options.MaxFrameBytes);
                context.Features.Set<IHttpUpgradeFeature>(watch);
                context.Items[typeof(ClientFrameWatch)] = watch;
            }
            return next(context);
        });
        return app.UseWebSockets(settings);
    }
}
