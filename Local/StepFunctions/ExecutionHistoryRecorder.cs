using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Numbers, timestamps and persists one execution's history events as they happen, so a crash keeps the history up
/// to that point. An id is only taken once its event is stored. Each Parallel branch and Map iteration records
/// through a recorder of its own from <see cref="ForBranch"/>: ids stay one sequence for the execution, while each
/// event's <c>previousEventId</c> is the previous event of its own branch, so a reader can tell the branches apart.
/// </summary>
internal sealed class ExecutionHistoryRecorder
{
    private readonly EventSequence _sequence;
    private long _previousEventId;

    public ExecutionHistoryRecorder(IExecutionStore store, string executionArn, TimeProvider time, long lastEventId = 0)
        : this(new EventSequence(store, executionArn, time, lastEventId), lastEventId)
    {
    }

    private ExecutionHistoryRecorder(EventSequence sequence, long previousEventId)
    {
        _sequence = sequence;
        _previousEventId = previousEventId;
    }

    /// <summary>A recorder for a branch whose first event follows <paramref name="start"/>.</summary>
    public ExecutionHistoryRecorder ForBranch(HistoryEvent start) => new(_sequence, start.Id);

    /// <summary>The next event, not yet stored; pass it to the store with the record it belongs to, then <see cref="Commit"/> it.</summary>
    public HistoryEvent Prepare(string type, JsonObject details)
    {
        var id = _sequence.LastEventId + _sequence.Held.Count + 1;
        return new HistoryEvent(id, _previousEventId, _sequence.Time.GetUtcNow(), type, details);
    }

    public void Commit(HistoryEvent stored)
    {
        _sequence.Held.Clear();
        _sequence.LastEventId = stored.Id;
        _previousEventId = stored.Id;
    }

    /// <summary>
    /// Keeps an event back to be stored in one write with the next one. A state's exit is held until the next state's
    /// entry or the execution's close, so the stored history never stops between two states: a resumed execution
    /// always finds the state it was in.
    /// </summary>
    public void HoldUntilNextRecord(string type, JsonObject details)
    {
        _sequence.Gate.Wait();
        try
        {
            var held = Prepare(type, details);
            _sequence.Held.Add(held);
            _previousEventId = held.Id;
        }
        finally
        {
            _sequence.Gate.Release();
        }
    }

    public async Task<HistoryEvent> RecordAsync(string type, JsonObject details, CancellationToken cancellationToken)
    {
        await _sequence.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var historyEvent = Prepare(type, details);
            await _sequence.Store.AppendEventsAsync(_sequence.ExecutionArn, [.. _sequence.Held, historyEvent], cancellationToken)
                .ConfigureAwait(false);
            Commit(historyEvent);
            return historyEvent;
        }
        finally
        {
            _sequence.Gate.Release();
        }
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
        await _sequence.Store.RedriveExecutionAsync(redriven, redrivenEvent, cancellationToken).ConfigureAwait(false);
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
        await _sequence.Store.CloseExecutionAsync(closed, [.. _sequence.Held, closingEvent], cancellationToken).ConfigureAwait(false);
        Commit(closingEvent);
        return closed;
    }

    /// <summary>What every branch of one execution shares: the id sequence, the held events and the lock over both.</summary>
    private sealed class EventSequence(IExecutionStore store, string executionArn, TimeProvider time, long lastEventId)
    {
        public IExecutionStore Store { get; } = store;

        public string ExecutionArn { get; } = executionArn;

        public TimeProvider Time { get; } = time;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public List<HistoryEvent> Held { get; } = [];

        public long LastEventId { get; set; } = lastEventId;
    }
}
