using Conduit.Local.Gateway;

namespace Conduit.Tests.Gateway;

/// <summary>A gateway of the test's own, so every connection it holds and every event its Ingress records are the test's.</summary>
public abstract class GatewayTest(GatewayOptions? options = null, TimeProvider? time = null) : IAsyncLifetime
{
    protected GatewayHost Host { get; private set; } = null!;

    protected ScriptedIngress Ingress => Host.Ingress;

    public virtual async Task InitializeAsync() => Host = await GatewayHost.StartAsync(options, time);

    public virtual async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>For a test that needs other settings: the gateway it started with goes, one with these takes its place.</summary>
    protected async Task RestartAsync(GatewayOptions otherOptions)
    {
        await Host.DisposeAsync();
        Host = await GatewayHost.StartAsync(otherOptions, time);
    }
}
