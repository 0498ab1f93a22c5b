using Conduit.Core.Chat;
using Conduit.Core.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Composition;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The domain services, the same in every environment. The environment's composition (AddConduitAws,
    /// AddConduitLocal) supplies the ports, <see cref="ConduitSettings"/>, <see cref="IMetrics"/> and logging.
    /// </summary>
    public static IServiceCollection AddConduitCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMetrics>(NoMetrics.Instance);
        services.TryAddSingleton(sp => new FunctionTelemetry(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMetrics>()));
        services.AddSingleton<FrameDelivery>();
        services.AddSingleton<FramePublisher>();
        services.AddSingleton<TurnSequencer>();
        services.AddSingleton<TurnCanceller>();
        services.AddSingleton<SessionReader>();
        services.AddSingleton<SessionCatalog>();
        services.AddSingleton<AnswerStreamer>();
        services.AddSingleton<LiveConnections>();
        services.AddSingleton<ChatIngress>();
        services.AddSingleton<TurnDispatcher>();
        services.AddSingleton<ChatWorkflow>();
        return services;
    }
}
