using System.Text.Json.Nodes;
using Conduit.Local.Hosting;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.Local.Hosting;

public sealed class TransitionDelayingExecutionStoreTests
{
    private const string Arn = "arn:aws:states:local:000000000000:execution:conduit-chat-turn:r-1";
    private static readonly TimeSpan Transition = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(DateTimeOffset.UnixEpoch);
    private readonly RecordingExecutionStore _inner = new();
    private readonly TransitionDelayingExecutionStore _store;

    public TransitionDelayingExecutionStoreTests() => _store = new TransitionDelayingExecutionStore(_inner, Transition, _time);

    [Fact]
    public async Task AppendEventsAsync_TwoStatesEntered_IsStoredAfterTwoTransitions()
    {
        var appending = _store.AppendEventsAsync(
            Arn, [Event(2, "TaskStateExited"), Event(3, "ChoiceStateEntered"), Event(4, "PassStateEntered")], CancellationToken.None);
        _time.Advance(2 * Transition - TimeSpan.FromTicks(1));
        var storedBefore = _inner.Appended;
        _time.Advance(TimeSpan.FromTicks(1));
        await appending.WaitAsync(Patience);

        Assert.Equal(0, storedBefore);
        Assert.Equal(1, _inner.Appended);
    }

    [Fact]
    public async Task AppendEventsAsync_NoStateEntered_IsStoredWithoutWaiting()
    {
        await _store.AppendEventsAsync(Arn, [Event(5, HistoryEventTypes.TaskScheduled)], CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(1, _inner.Appended);
    }

    [Fact]
    public async Task CloseExecutionAsync_ClosingWithoutEnteringAState_IsStoredWithoutWaiting()
    {
        var closed = new ExecutionDescription(
            Arn, "sm", "r-1", ExecutionStatus.Succeeded, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "{}", "{}", null, null);

        await _store.CloseExecutionAsync(
            closed, [Event(6, "TaskStateExited"), Event(7, HistoryEventTypes.ExecutionSucceeded)], CancellationToken.None)
            .WaitAsync(Patience);

        Assert.Equal(1, _inner.Closed);
    }

    [Fact]
    public async Task GetHistoryAsync_Read_IsAnsweredWithoutWaiting()
    {
        var history = await _store.GetHistoryAsync(Arn, CancellationToken.None).WaitAsync(Patience);

        Assert.Empty(history);
        Assert.Equal(1, _inner.Reads);
    }

    private static HistoryEvent Event(long id, string type) => new(id, id - 1, DateTimeOffset.UnixEpoch, type, new JsonObject());

    private sealed class RecordingExecutionStore : IExecutionStore
    {
        public int Appended { get; private set; }
        public int Closed { get; private set; }
        public int Reads { get; private set; }

        public Task<bool> TryCreateExecutionAsync(
            ExecutionDescription execution, HistoryEvent startedEvent, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task AppendEventsAsync(string executionArn, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
        {
            Appended++;
            return Task.CompletedTask;
        }

        public Task CloseExecutionAsync(
            ExecutionDescription closed, IReadOnlyList<HistoryEvent> closingEvents, CancellationToken cancellationToken)
        {
            Closed++;
            return Task.CompletedTask;
        }

        public Task RedriveExecutionAsync(ExecutionDescription redriven, HistoryEvent redrivenEvent, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task<ExecutionDescription?> GetExecutionAsync(string executionArn, CancellationToken cancellationToken) =>
            Task.FromResult<ExecutionDescription?>(null);

        public Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
            string stateMachineArn, ExecutionStatus? status, int maxResults, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ExecutionDescription>>([]);

        public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string executionArn, CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<HistoryEvent>>([]);
        }
    }
}
