using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>One waiting <c>.waitForTaskToken</c> task: its token, the callback it waits for, and its heartbeat clock.</summary>
internal sealed class PendingTaskCallback(TaskTokenRegistry registry, string token) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<TaskCallbackOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _heartbeat;
    private TimeSpan _heartbeatInterval;
    private bool _timedOut;

    public string Token { get; } = token;

    /// <summary>Starts the heartbeat clock; from now each heartbeat must come within <paramref name="heartbeatSeconds"/>.</summary>
    public CancellationToken StartHeartbeatClock(int? heartbeatSeconds, TimeProvider time)
    {
        if (heartbeatSeconds is not { } seconds) return CancellationToken.None;
        lock (_lock)
        {
            _heartbeatInterval = TimeSpan.FromSeconds(seconds);
            _heartbeat = new CancellationTokenSource(_heartbeatInterval, time);
            return _heartbeat.Token;
        }
    }

    /// <summary>The success output, or a <see cref="TaskFailedException"/> with the error SendTaskFailure gave.</summary>
    public async Task<JsonNode?> WaitAsync(CancellationToken cancellationToken)
    {
        var outcome = await _outcome.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return outcome.Error is { } error ? throw new TaskFailedException(error, outcome.Cause) : outcome.Output;
    }

    public bool TryComplete(TaskCallbackOutcome outcome) => _outcome.TrySetResult(outcome);

    public void Beat()
    {
        lock (_lock)
        {
            if (_heartbeat is { IsCancellationRequested: false } heartbeat) heartbeat.CancelAfter(_heartbeatInterval);
        }
    }

    /// <summary>A callback that arrives from now on is answered TaskTimedOut.</summary>
    public void MarkTimedOut() => _timedOut = true;

    public void Dispose()
    {
        registry.Retire(Token, _timedOut);
        lock (_lock)
        {
            _heartbeat?.Dispose();
            _heartbeat = null;
        }
    }
}
