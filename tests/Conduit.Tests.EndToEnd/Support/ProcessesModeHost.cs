using Conduit.Local.Hosting;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// One local stack per test class with every function as its own process (<c>--functions processes</c>), over a dynalite
/// of its own; started on first use, so a class whose in-process tests run alone never pays for it.
/// </summary>
public sealed class ProcessesModeHost : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = NodePackages.InstallTimeout + TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _starting = new(1, 1);
    private LoopbackServer? _dynalite;
    private LocalStackHost? _host;

    /// <summary>
    /// The shared host; the first call's <paramref name="configure"/> and <paramref name="overrides"/> make it, as a
    /// class's <c>InitializeAsync</c> would.
    /// </summary>
    public async Task<LocalStackHost> HostAsync(
        Func<LocalHostOptions, LocalHostOptions>? configure = null, Action<IServiceCollection>? overrides = null)
    {
        await _starting.WaitAsync();
        try
        {
            if (_host is not null) return _host;
            var dynalite = await DynaliteAsync();
            _host = await LocalStackHost.StartAsync(
                options => ProcessesMode(configure?.Invoke(options) ?? options, dynalite.HttpBase), overrides);
            return _host;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>The dynalite this class's hosts keep their stores in.</summary>
    public async Task<LoopbackServer> DynaliteAsync()
    {
        if (_dynalite is not null) return _dynalite;
        var node = NodeTools.Find() ?? throw new InvalidOperationException($"processes mode needs dynalite: {NodeTools.MissingReason}");
        using var start = new CancellationTokenSource(StartTimeout);
        return _dynalite = await DynaliteProcess.StartAsync(node, start.Token);
    }

    public static LocalHostOptions ProcessesMode(LocalHostOptions options, Uri dynamoDb) =>
        options with { Functions = FunctionsMode.Processes, Store = new DynamoDbStore(dynamoDb) };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_dynalite is not null) await _dynalite.DisposeAsync();
        _starting.Dispose();
    }
}
