using Conduit.Aws.Composition;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Aws.Lambda;

/// <summary>
/// The service provider of this execution environment, built on first use from the function's environment
/// variables. The managed runtime constructs a Function class through its parameterless constructor, which
/// resolves what it needs here; that constructor is the only place anything is looked up this way.
/// </summary>
public static class LambdaServices
{
    private static readonly Lazy<ServiceProvider> Provider = new(() => Build(_ => { }));

    public static T Get<T>() where T : notnull => Provider.Value.GetRequiredService<T>();

    /// <summary>The AWS composition plus the given function registrations, with logs and metrics on stdout.</summary>
    public static ServiceProvider Build(Action<IServiceCollection> addFunctions)
    {
        var services = new ServiceCollection().AddConduitAws(AwsEnvironment.Process, Console.Out);
        addFunctions(services);
        return services.BuildServiceProvider();
    }
}
