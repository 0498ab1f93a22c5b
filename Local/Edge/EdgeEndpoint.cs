using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Local.Edge;

/// <summary>
/// Puts the edge in front of a host's pipeline: AWS JSON requests are <c>POST /</c>, which nothing else on the host
/// answers. A middleware rather than an endpoint, because a POST-only endpoint at <c>/</c> would make routing answer
/// GET / with 405 before the static files could serve the chat page there. REST-JSON services claim their own paths
/// (<c>/model/...</c>, <c>/knowledgebases/...</c>); every other path goes on to the host.
/// </summary>
public static class EdgeEndpoint
{
    public static IApplicationBuilder UseAwsEdge(this IApplicationBuilder app)
    {
        var edge = app.ApplicationServices.GetRequiredService<AwsEdge>();
        var restEdge = app.ApplicationServices.GetService<AwsRestEdge>();
        return app.Use((context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path == "/") return edge.HandleAsync(context);
            return restEdge?.Recognize(context.Request) is { } match ? restEdge.HandleAsync(context, match) : next(context);
        });
    }
}
