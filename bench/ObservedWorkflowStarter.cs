using System.Collections.Concurrent;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;

namespace Conduit.Bench;

/// <summary>
/// The stack's own workflow starter, remembering each execution it started, so a scenario can wait for a turn's
/// execution to exist and then to end without polling the executions API.
/// </summary>
public sealed class ObservedWorkflowStarter(IWorkflowStarter inner) : IWorkflowStarter
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new(StringComparer.Ordinal);

    public async Task<WorkflowStart> StartAsync(string executionName, ChatTurnState input, CancellationToken cancellationToken)
    {
        var start = await inner.StartAsync(executionName, input, cancellationToken);
        Started(executionName).TrySetResult();
        return start;
    }

    public Task WhenStartedAsync(string executionName) => Started(executionName).Task;

    private TaskCompletionSource Started(string executionName) =>
        _started.GetOrAdd(executionName, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
