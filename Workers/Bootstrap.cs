using Conduit.Shared.Lambda.Runtime;

namespace Conduit.Workers;

/// <summary>
/// The provided.al2023 entry point: one <c>bootstrap</c> executable serves every worker function, choosing by the
/// handler string the template sets (<c>_HANDLER</c>), which is the managed runtime's string too. Built as an
/// executable only for the native runtime (<c>-p:PublishAot=true</c>, or <c>-p:LambdaBootstrap=true</c> for JIT).
/// </summary>
public static class Bootstrap
{
    public static IReadOnlyDictionary<string, Func<Func<Stream, Task<Stream>>>> Handlers { get; } =
        new Dictionary<string, Func<Func<Stream, Task<Stream>>>>(StringComparer.Ordinal)
        {
            ["Conduit.Workers::Conduit.Workers.DispatcherFunction::Handle"] = () => new DispatcherFunction().Handle,
            ["Conduit.Workers::Conduit.Workers.BuildPromptFunction::Handle"] = () => new BuildPromptFunction().Handle,
            ["Conduit.Workers::Conduit.Workers.PlanFunction::Handle"] = () => new PlanFunction().Handle,
            ["Conduit.Workers::Conduit.Workers.RetrieveFunction::Handle"] = () => new RetrieveFunction().Handle,
            ["Conduit.Workers::Conduit.Workers.StreamFunction::Handle"] = () => new StreamFunction().Handle,
            ["Conduit.Workers::Conduit.Workers.NotifyFailureFunction::Handle"] = () => new NotifyFailureFunction().Handle,
        };

    public static Task<int> Main() => LambdaBootstrap.RunAsync(Handlers);
}
