namespace Conduit.Local.StepFunctions;

/// <summary>Durable storage for executions and their history events.</summary>
public interface IExecutionStore
{
    /// <summary>
    /// Stores a new execution with its first event, atomically. Returns false, storing nothing, when an execution
    /// with the same ARN already exists.
    /// </summary>
    Task<bool> TryCreateExecutionAsync(ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken);

    /// <summary>Appends consecutive events to an execution's history, atomically.</summary>
    Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a running execution's final state with its last events, the closing event last, atomically.
    /// </summary>
    /// <exception cref="InvalidOperationException">The execution does not exist or is not running.</exception>
    Task CloseExecutionAsync(ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Stores an execution's new <see cref="ExecutionDescription.RedriveCount"/> and
    /// <see cref="ExecutionDescription.RedriveDate"/> with its ExecutionRedriven event, atomically. A running execution
    /// stays running; a failed, timed-out or aborted one is running again, its stop date, output and error cleared.
    /// </summary>
    /// <exception cref="InvalidOperationException">The execution does not exist, or it succeeded.</exception>
    Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken);

    Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken);

    /// <summary>A state machine's executions, newest first, optionally only those with <paramref name="status"/>.</summary>
    Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken);

    /// <summary>An execution's events in the order they happened; empty for an unknown execution.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken);
}
