using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Numbers, timestamps and persists one execution's history events as they happen, so a crash keeps the history up
/// to that point. Used by one execution at a time; an id is only taken once its event is stored.
/// </summary>
internal sealed class ExecutionHistoryRecorder(IExecutionStore store, string executionArn, TimeProvider time, long lastEventId = 0)
{
    private readonly List<HistoryEvent> _held = [];
    private long _lastEventId = lastEventId;

    /// <summary>The next event, not yet stored; pass it to the store with the record it belongs to, then <see cref="Commit"/> it.</summary>
    public HistoryEvent Prepare(string type, JsonObject details)
    {
        var previousId = _lastEventId + _held.Count;
        return new HistoryEvent(previousId + 1, previousId, time.GetUtcNow(), type, details);
    }

    public void Commit(HistoryEvent stored)
    {
        _held.Clear();
        _lastEventId = stored.Id;
    }

    /// <summary>
    /// Keeps an event back to be stored in one write with the next one. A state's exit is held until the next state's
    /// entry or the execution's close, so the stored history never stops between two states: a resumed execution
    /// always finds the state it was in.
    /// </summary>
    public void HoldUntilNextRecord(string type, JsonObject details) => _held.Add(Prepare(type, details));

    public async Task<HistoryEvent> RecordAsync(string type, JsonObject details, CancellationToken cancellationToken)
    {
        var historyEvent = Prepare(type, details);
        await store.AppendEventsAsync(executionArn, [.. _held, historyEvent], cancellationToken).ConfigureAwait(false);
        Commit(historyEvent);
        return historyEvent;
    }

    /// <summary>
    /// Records that an execution is resumed or redriven, and returns its description, running, with the redrive counted.
    /// </summary>
    public async Task<ExecutionDescription> RedriveAsync(ExecutionDescription execution, CancellationToken cancellationToken)
    {
        var redriveCount = execution.RedriveCount + 1;
        var redrivenEvent = Prepare(HistoryEventTypes.ExecutionRedriven, new JsonObject { ["redriveCount"] = redriveCount });
        var redriven = execution with
        {
            Status = ExecutionStatus.Running,
            StopDate = null,
            Output = null,
            Error = null,
            Cause = null,
            RedriveCount = redriveCount,
            RedriveDate = redrivenEvent.Timestamp,
        };
        await store.RedriveExecutionAsync(redriven, redrivenEvent, cancellationToken).ConfigureAwait(false);
        Commit(redrivenEvent);
        return redriven;
    }

    /// <summary>Stores the closing event and the execution's final state together, and returns that final state.</summary>
    public async Task<ExecutionDescription> CloseAsync(
        ExecutionDescription running, ExecutionOutcome outcome, CancellationToken cancellationToken)
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
        await store.CloseExecutionAsync(closed, [.. _held, closingEvent], cancellationToken).ConfigureAwait(false);
        Commit(closingEvent);
        return closed;
    }
}
