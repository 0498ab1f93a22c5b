using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Aws.Lambda;

public static class LambdaFunctionRegistration
{
    /// <summary>
    /// Registers a function's class under its name in <see cref="ConduitFunctions"/>, so the provided.al2023 loop
    /// and the local host resolve it by definition; the managed runtime constructs it itself.
    /// </summary>
    public static IServiceCollection AddLambdaFunction<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(
        this IServiceCollection services, FunctionDefinition function)
        where TFunction : class, ILambdaFunction
    {
        services.AddKeyedSingleton<ILambdaFunction, TFunction>(function.Name);
        return services;
    }

    public static ILambdaFunction GetLambdaFunction(this IServiceProvider services, FunctionDefinition function) =>
        services.GetRequiredKeyedService<ILambdaFunction>(function.Name);
}
