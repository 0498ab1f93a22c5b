using Conduit.Aws.Lambda;
using Conduit.Aws.Lambda.Runtime;

namespace Conduit.Ingress;

/// <summary>
/// The provided.al2023 entry point: this project is built as the <c>bootstrap</c> executable only for the native
/// runtime (<c>-p:PublishAot=true</c>, or <c>-p:LambdaBootstrap=true</c> for a JIT build of the same loop). The
/// managed runtime keeps calling <see cref="IngressFunction.Handle"/> itself; both read the same handler string.
/// </summary>
public static class Bootstrap
{
    public static Task<int> Main() => LambdaBootstrap.RunAsync(ConduitFunctions.IngressAssembly, services => services.AddIngressFunction());
}
