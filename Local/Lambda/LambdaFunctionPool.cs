using System.Text;

namespace Conduit.Local.Lambda;

/// <summary>
/// A function's execution environments, scaled as Lambda scales them: an invocation takes an idle environment or
/// starts a new one, and gives it back when done. An environment whose process died is dropped and, if it was the
/// last, replaced at once, as Lambda starts a new environment after a crash.
/// </summary>
public sealed class LambdaFunctionPool(FunctionLaunch launch, Action<string> output) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Stack<LambdaEnvironment> _idle = new();
    private readonly List<LambdaEnvironment> _all = [];
    private readonly CancellationTokenSource _stopping = new();
    private long _retiredRuntimeApiRequests;
    private Task _replacement = Task.CompletedTask;
    private bool _disposed;

    public FunctionLaunch Launch => launch;

    /// <summary>The process ids of the environments now running, idle or busy.</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_gate) return [.. _all.Where(environment => !environment.HasExited).Select(environment => environment.ProcessId)];
        }
    }

    /// <summary>How many environments have been started, the first included.</summary>
    public int Starts { get; private set; }

    /// <summary>HTTP requests made to the Runtime APIs of every environment this pool has had.</summary>
    public long RuntimeApiRequests
    {
        get
        {
            lock (_gate) return _retiredRuntimeApiRequests + _all.Sum(environment => environment.RuntimeApiRequests);
        }
    }

    /// <summary>Starts the first environment, so the first invocation finds it initialised.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var environment = await StartEnvironmentAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate) _idle.Push(environment);
    }

    /// <summary>Invokes the function with <paramref name="input"/> as its event; a <see cref="LambdaHandler"/>.</summary>
    public async Task<Stream> InvokeAsync(Stream input)
    {
        using var reader = new StreamReader(input, Encoding.UTF8);
        var eventJson = await reader.ReadToEndAsync(_stopping.Token).ConfigureAwait(false);
        var environment = await TakeIdleAsync().ConfigureAwait(false) ?? await StartEnvironmentAsync(_stopping.Token).ConfigureAwait(false);
        try
        {
            return await environment.InvokeAsync(eventJson, _stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            await ReturnAsync(environment).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        LambdaEnvironment[] environments;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            environments = [.. _all];
            _all.Clear();
            _idle.Clear();
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _replacement.ConfigureAwait(false);
        lock (_gate) environments = [.. environments, .. _all];
        foreach (var environment in environments) await environment.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>An idle environment whose process still runs; those that died while idle are dropped on the way.</summary>
    private async Task<LambdaEnvironment?> TakeIdleAsync()
    {
        var dead = new List<LambdaEnvironment>();
        LambdaEnvironment? alive = null;
        lock (_gate)
        {
            while (alive is null && _idle.TryPop(out var environment))
            {
                if (!environment.HasExited) alive = environment;
                else dead.Add(Retire(environment));
            }
        }
        foreach (var environment in dead) await environment.DisposeAsync().ConfigureAwait(false);
        return alive;
    }

    private LambdaEnvironment Retire(LambdaEnvironment environment)
    {
        _all.Remove(environment);
        _retiredRuntimeApiRequests += environment.RuntimeApiRequests;
        return environment;
    }

    private async Task<LambdaEnvironment> StartEnvironmentAsync(CancellationToken cancellationToken)
    {
        var environment = await LambdaEnvironment.StartAsync(launch, output, cancellationToken).ConfigureAwait(false);
        bool disposed;
        lock (_gate)
        {
            disposed = _disposed;
            if (!disposed)
            {
                _all.Add(environment);
                Starts++;
            }
        }
        if (!disposed) return environment;
        await environment.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(LambdaFunctionPool));
    }

    private async Task ReturnAsync(LambdaEnvironment environment)
    {
        bool replace;
        lock (_gate)
        {
            if (_disposed) return;
            if (!environment.HasExited)
            {
                _idle.Push(environment);
                return;
            }
            Retire(environment);
            replace = _all.Count == 0;
        }
        await environment.DisposeAsync().ConfigureAwait(false);
        if (replace) _replacement = ReplaceAsync();
    }

    /// <summary>Started in the background, so the failed invocation is reported at once, as Lambda reports it.</summary>
    private async Task ReplaceAsync()
    {
        try
        {
            await WarmAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            output($"{launch.Name}: no new environment was started, as the host is stopping.");
        }
        catch (Exception exception)
        {
            output($"{launch.Name}: a new environment could not be started ({exception.GetType().Name}: {exception.Message}).");
        }
    }
}
