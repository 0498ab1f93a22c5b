using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Numbers, timestamps and persists one execution's history events as they happen, so a crash keeps the history up
/// to that point. Used by one execution at a time; an id is only taken once its event is stored.
/// </summary>
internal sealed class ExecutionHistoryRecorder(IExecutionStore store, string executionArn, TimeProvider time, long lastEventId = 0)
{
    private long _lastEventId = lastEventId;

    /// <summary>The next event, not yet stored; pass it to the store with the record it belongs to, then <see cref="Commit"/> it.</summary>
    public HistoryEvent Prepare(string type, JsonObject details) => new(_lastEventId + 1, _lastEventId, time.GetUtcNow(), type, details);

    public void Commit(HistoryEvent stored) => _lastEventId = stored.Id;

    public async Task<HistoryEvent> RecordAsync(string type, JsonObject details, CancellationToken cancellationToken)
    {
        var historyEvent = Prepare(type, details);
        await store.AppendEventAsync(executionArn, historyEvent, cancellationToken);
        Commit(historyEvent);
        return historyEvent;
    }

    /// <summary>Stores the closing event and the execution's final state together, and returns that final state.</summary>
    public async Task<ExecutionDescription> CloseAsync(ExecutionDescription running, ExecutionOutcome outcome, CancellationToken cancellationToken)
    {
        var closingEvent = Prepare(outcome.ClosingEventType, outcome.ClosingEventDetails());
        var closed = running with
        {
            Status = outcome.Status,
            StopDate = closingEvent.Timestamp,
            Output = outcome.Output,
            Error = outcome.Error,
            Cause = outcome.Cause,
        };
        await store.CloseExecutionAsync(closed, closingEvent, cancellationToken);
        Commit(closingEvent);
        return closed;
    }
}
