using Conduit.Aws.Lambda;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Ingress;

public static class IngressServiceCollectionExtensions
{
    public static IServiceCollection AddIngressFunction(this IServiceCollection services) =>
        services.AddLambdaFunction<IngressFunction>(ConduitFunctions.Ingress);
}
