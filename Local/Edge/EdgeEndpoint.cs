using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Conduit.Local.Edge;

/// <summary>Maps the edge onto a host: AWS JSON requests are <c>POST /</c>, which nothing else on the host answers.</summary>
public static class EdgeEndpoint
{
    public static IEndpointConventionBuilder MapAwsEdge(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/", (HttpContext context, AwsEdge edge) => edge.HandleAsync(context));
}
