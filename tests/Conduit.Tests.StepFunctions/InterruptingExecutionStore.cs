using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// A store that fails the first history append <paramref name="interrupts"/> picks and every write after it, as if
/// the process had been killed at that moment; reads still reach <paramref name="inner"/>.
/// </summary>
internal sealed class InterruptingExecutionStore(IExecutionStore inner, Func<IReadOnlyList<HistoryEvent>, bool> interrupts)
    : IExecutionStore
{
    private volatile bool _interrupted;

    public Task<bool> TryCreateExecutionAsync(
        ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken) =>
        _interrupted ? Interrupted<bool>() : inner.TryCreateExecutionAsync(execution, startedEvent, cancellationToken);

    public Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        _interrupted |= interrupts(events);
        return _interrupted ? Interrupted<bool>() : inner.AppendEventsAsync(executionArn, events, cancellationToken);
    }

    public Task CloseExecutionAsync(
        ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken) =>
        _interrupted ? Interrupted<bool>() : inner.CloseExecutionAsync(closed, closingEvents, cancellationToken);

    public Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken) =>
        _interrupted ? Interrupted<bool>() : inner.RedriveExecutionAsync(redriven, redrivenEvent, cancellationToken);

    public Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        inner.GetExecutionAsync(executionArn, cancellationToken);

    public Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken) =>
        inner.ListExecutionsAsync(stateMachineArn, status, maxResults, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken) =>
        inner.GetHistoryAsync(executionArn, cancellationToken);

    private static Task<T> Interrupted<T>() => Task.FromException<T>(new IOException("The process was killed."));
}
