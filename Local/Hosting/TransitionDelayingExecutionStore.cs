using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// The executions' store, where each write that enters states first waits one transition's time per state: the
/// interpreter records every state entry before it runs the state, so the workflow moves on no sooner than Step
/// Functions would. Reads and writes that enter no state pass straight through.
/// </summary>
public sealed class TransitionDelayingExecutionStore(IExecutionStore store, TimeSpan perTransition, TimeProvider time) : IExecutionStore
{
    public async Task<bool> TryCreateExecutionAsync(
        ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken)
    {
        await WaitForTransitionsAsync([startedEvent], cancellationToken).ConfigureAwait(false);
        return await store.TryCreateExecutionAsync(execution, startedEvent, cancellationToken).ConfigureAwait(false);
    }

    public async Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        await WaitForTransitionsAsync(events, cancellationToken).ConfigureAwait(false);
        await store.AppendEventsAsync(executionArn, events, cancellationToken).ConfigureAwait(false);
    }

    public async Task CloseExecutionAsync(
        ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken)
    {
        await WaitForTransitionsAsync(closingEvents, cancellationToken).ConfigureAwait(false);
        await store.CloseExecutionAsync(closed, closingEvents, cancellationToken).ConfigureAwait(false);
    }

    public async Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken)
    {
        await WaitForTransitionsAsync([redrivenEvent], cancellationToken).ConfigureAwait(false);
        await store.RedriveExecutionAsync(redriven, redrivenEvent, cancellationToken).ConfigureAwait(false);
    }

    public Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        store.GetExecutionAsync(executionArn, cancellationToken);

    public Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken) =>
        store.ListExecutionsAsync(stateMachineArn, status, maxResults, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken) =>
        store.GetHistoryAsync(executionArn, cancellationToken);

    private Task WaitForTransitionsAsync(IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        var entered = events.Count(e => e.EntersState);
        return entered == 0 ? Task.CompletedTask : Task.Delay(perTransition * entered, time, cancellationToken);
    }
}
