using Conduit.Local.StepFunctions;

namespace Conduit.Local.Hosting;

/// <summary>
/// The executions' store, whose writes wait for space when SQLite refuses them as full: an execution that could not
/// record a step would otherwise end unrecorded and stay RUNNING until the host restarts. Each write is one
/// transaction, rolled back whole when it fails, so writing it again is safe.
/// </summary>
public sealed class SpaceWaitingExecutionStore(SqliteExecutionStore store, StoreWritability writability) : IExecutionStore
{
    public Task<bool> TryCreateExecutionAsync(
        ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken) =>
        writability.RunWhenWritableAsync(
            "an execution's start", () => store.TryCreateExecutionAsync(execution, startedEvent, cancellationToken));

    public Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken) =>
        writability.RunWhenWritableAsync(
            "an execution's history", () => store.AppendEventsAsync(executionArn, events, cancellationToken));

    public Task CloseExecutionAsync(
        ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken) =>
        writability.RunWhenWritableAsync(
            "an execution's end", () => store.CloseExecutionAsync(closed, closingEvents, cancellationToken));

    public Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken) =>
        writability.RunWhenWritableAsync(
            "an execution's redrive", () => store.RedriveExecutionAsync(redriven, redrivenEvent, cancellationToken));

    public Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
        store.GetExecutionAsync(executionArn, cancellationToken);

    public Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken) =>
        store.ListExecutionsAsync(stateMachineArn, status, maxResults, cancellationToken);

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken) =>
        store.GetHistoryAsync(executionArn, cancellationToken);
}
