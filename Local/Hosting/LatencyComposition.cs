using Conduit.Core.Ports;
using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// Puts a <see cref="LatencyProfile"/> in front of the ports and emulator seams where the deployed stack crosses the
/// network: each store port, the @connections client, the turn queue and the executions' store. Function invocations
/// and the queue's delivery are delayed where <see cref="LocalFunctions"/> binds the handlers.
/// </summary>
public static class LatencyComposition
{
    public static IServiceCollection AddLatencyProfile(this IServiceCollection services, LatencyProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!profile.AddsAny) return services;
        DelayEveryCall<IConnectionStore>(services, profile.StoreCall);
        DelayEveryCall<ISessionStore>(services, profile.StoreCall);
        DelayEveryCall<ITurnStore>(services, profile.StoreCall);
        DelayEveryCall<IHistoryStore>(services, profile.StoreCall);
        DelayEveryCall<IFrameStore>(services, profile.StoreCall);
        DelayEveryCall<ISubscriptionStore>(services, profile.StoreCall);
        DelayEveryCall<IRateLimitStore>(services, profile.StoreCall);
        DelayEveryCall<IConnectionSender>(services, profile.ConnectionsCall);
        DelayEveryCall<ITurnQueue>(services, profile.QueueSend);
        if (profile.StateTransition > TimeSpan.Zero)
        {
            Decorate<IExecutionStore>(
                services,
                (sp, store) => new TransitionDelayingExecutionStore(store, profile.StateTransition, sp.GetRequiredService<TimeProvider>()));
        }
        return services;
    }

    private static void DelayEveryCall<T>(IServiceCollection services, TimeSpan delay) where T : class
    {
        if (delay <= TimeSpan.Zero) return;
        Decorate<T>(services, (sp, port) => DelayedCalls<T>.Wrap(port, delay, sp.GetRequiredService<TimeProvider>()));
    }

    /// <summary>Replaces the last registration of <typeparamref name="T"/>, the one that resolves, with one wrapping it.</summary>
    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> wrap) where T : class
    {
        var index = -1;
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType == typeof(T) && !services[i].IsKeyedService) index = i;
        }
        if (index < 0) throw new InvalidOperationException($"Nothing serves {typeof(T).Name} to put a latency in front of.");
        var original = services[index];
        services[index] = ServiceDescriptor.Singleton<T>(sp => wrap(sp, (T)Resolve(sp, original)));
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
