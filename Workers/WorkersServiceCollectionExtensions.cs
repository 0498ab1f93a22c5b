using Conduit.Aws.Lambda;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Workers;

public static class WorkersServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerFunctions(this IServiceCollection services) => services
        .AddLambdaFunction<DispatcherFunction>(ConduitFunctions.Dispatcher)
        .AddLambdaFunction<BuildPromptFunction>(ConduitFunctions.BuildPrompt)
        .AddLambdaFunction<PlanFunction>(ConduitFunctions.Plan)
        .AddLambdaFunction<RetrieveFunction>(ConduitFunctions.Retrieve)
        .AddLambdaFunction<StreamFunction>(ConduitFunctions.Stream)
        .AddLambdaFunction<NotifyFailureFunction>(ConduitFunctions.NotifyFailure);
}
