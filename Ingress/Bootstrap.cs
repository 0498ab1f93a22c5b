using Conduit.Shared.Lambda.Runtime;

namespace Conduit.Ingress;

/// <summary>
/// The provided.al2023 entry point: this project is built as the <c>bootstrap</c> executable only for the native
/// runtime (<c>-p:PublishAot=true</c>, or <c>-p:LambdaBootstrap=true</c> for a JIT build of the same loop). The
/// managed runtime keeps calling <see cref="IngressFunction.Handle"/> itself; both read the same handler string.
/// </summary>
public static class Bootstrap
{
    public static IReadOnlyDictionary<string, Func<Func<Stream, Task<Stream>>>> Handlers { get; } =
        new Dictionary<string, Func<Func<Stream, Task<Stream>>>>(StringComparer.Ordinal)
        {
            ["Conduit.Ingress::Conduit.Ingress.IngressFunction::Handle"] = () => new IngressFunction().Handle,
        };

    public static Task<int> Main() => LambdaBootstrap.RunAsync(Handlers);
}
