using Conduit.Aws.Lambda;
using Conduit.Aws.Lambda.Runtime;

namespace Conduit.Workers;

/// <summary>
/// The provided.al2023 entry point: one <c>bootstrap</c> executable serves every worker function, choosing by the
/// handler string the template sets (<c>_HANDLER</c>), which is the managed runtime's string too. Built as an
/// executable only for the native runtime (<c>-p:PublishAot=true</c>, or <c>-p:LambdaBootstrap=true</c> for JIT).
/// </summary>
public static class Bootstrap
{
    public static Task<int> Main() => LambdaBootstrap.RunAsync(ConduitFunctions.WorkersAssembly, services => services.AddWorkerFunctions());
}
