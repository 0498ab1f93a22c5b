using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// The Step Functions service for one state machine, run locally: StartExecution, DescribeExecution, ListExecutions
/// and GetExecutionHistory with Standard-workflow rules, executions running in the background and every record and
/// history event kept in an <see cref="IExecutionStore"/>.
/// </summary>
/// <remarks>
/// Executions survive the process: on first use, the executions a previous emulator left RUNNING in the store (it
/// was disposed, or its process was killed) resume in the background, as AWS redrives an execution: an
/// ExecutionRedriven event, then the last state they had entered runs again with the input it was entered with.
/// Task states may therefore run more than once, so their work must be safe to repeat. One emulator should own a
/// state machine's executions in a store at a time.
/// </remarks>
public sealed class StepFunctionsEmulator : IAsyncDisposable
{
    public const int MaxListResults = 1000;

    private StateMachine _machine;
    private readonly ITaskInvoker _invoker;
    private readonly IExecutionStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<StepFunctionsEmulator> _logger;
    private readonly string _stateMachineName;
    private readonly string _region;
    private readonly string _executionArnPrefix;
    private readonly string _roleArn;
    private readonly Lazy<Task> _resumeInterruptedExecutions;
    private readonly CancellationTokenSource _shutdown = new();

    // Held across "create the record, then register its run", so that a waiter never sees a RUNNING record that has
    // no run registered yet.
    private readonly SemaphoreSlim _registration = new(1, 1);

    private readonly Lock _lifecycle = new();
    private readonly Dictionary<string, RunningExecution> _running = new(StringComparer.Ordinal);

    /// <summary>Runs that ended without recording their outcome, so a waiter who arrives afterwards learns why.</summary>
    private readonly Dictionary<string, Exception> _unrecorded = new(StringComparer.Ordinal);
    private bool _disposed;

    public StepFunctionsEmulator(
        StateMachine machine,
        string stateMachineArn,
        ITaskInvoker invoker,
        IExecutionStore store,
        TimeProvider time,
        ILogger<StepFunctionsEmulator> logger,
        TaskTokenRegistry? taskTokens = null)
    {
        if (stateMachineArn.Split(':') is not ["arn", var partition, "states", var region, var account, "stateMachine", var name]
            || name.Length == 0)
        {
            throw new ArgumentException(
                $"\"{stateMachineArn}\" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>).",
                nameof(stateMachineArn));
        }

        _machine = machine;
        _invoker = invoker;
        _store = store;
        _time = time;
        _logger = logger;
        TaskTokens = taskTokens ?? new TaskTokenRegistry();
        StateMachineArn = stateMachineArn;
        _stateMachineName = name;
        _region = region;
        _executionArnPrefix = $"arn:{partition}:states:{region}:{account}:execution:{name}:";
        _roleArn = $"arn:{partition}:iam::{account}:role/StepFunctionsLocal";
        _resumeInterruptedExecutions = new Lazy<Task>(ResumeEveryInterruptedExecutionAsync);
    }

    public string StateMachineArn { get; }

    /// <summary>Where this machine's waiting <c>.waitForTaskToken</c> tasks are found by their token.</summary>
    public TaskTokenRegistry TaskTokens { get; }

    /// <summary>
    /// Runs executions started from now on with <paramref name="machine"/>, as UpdateStateMachine does: running ones
    /// keep the definition they started with (until a restart resumes them with the current one).
    /// </summary>
    public void UseDefinition(StateMachine machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        Volatile.Write(ref _machine, machine);
    }

    /// <summary>
    /// Resumes, once, the executions a previous emulator left RUNNING in the store, and completes when they are
    /// running again. Every other call does this first; a host calls it at start-up so that they resume without
    /// waiting for a request.
    /// </summary>
    public Task ResumeInterruptedExecutionsAsync(CancellationToken cancellationToken = default) =>
        _resumeInterruptedExecutions.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Starts an execution in the background and returns once its record and ExecutionStarted event are stored.
    /// Repeating the start of a running execution with the same input returns that execution again.
    /// </summary>
    /// <exception cref="InvalidNameException">The name breaks the Standard workflow naming rules.</exception>
    /// <exception cref="InvalidExecutionInputException">The input is not JSON or is over 256 KiB.</exception>
    /// <exception cref="ExecutionAlreadyExistsException">The name is taken by a closed execution or one with other input.</exception>
    public async Task<StartExecutionResult> StartExecutionAsync(string name, string input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ExecutionRequestRules.ValidateName(name);
        var parsedInput = ExecutionRequestRules.ParseInput(input);
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);

        var executionArn = _executionArnPrefix + name;
        var history = new ExecutionHistoryRecorder(_store, executionArn, _time);
        var started = history.Prepare(HistoryEventTypes.ExecutionStarted, new JsonObject { ["input"] = input, ["roleArn"] = _roleArn });
        var execution = new ExecutionDescription(
            executionArn,
            StateMachineArn,
            name,
            ExecutionStatus.Running,
            started.Timestamp,
            StopDate: null,
            input,
            Output: null,
            Error: null,
            Cause: null);

        await _registration.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!await _store.TryCreateExecutionAsync(execution, started, cancellationToken).ConfigureAwait(false))
            {
                return await RepeatedStartAsync(executionArn, input, cancellationToken).ConfigureAwait(false);
            }

            history.Commit(started);
            Launch(execution, parsedInput, history, new StateEntry(_machine.StartAt, parsedInput?.DeepClone()));
        }
        finally
        {
            _registration.Release();
        }

        StepFunctionsLog.ExecutionStarted(_logger, name);
        return new StartExecutionResult(executionArn, started.Timestamp, AlreadyRunning: false);
    }

    /// <exception cref="ExecutionDoesNotExistException">No execution of this state machine has that name.</exception>
    public async Task<ExecutionDescription> DescribeExecutionAsync(string name, CancellationToken cancellationToken = default)
    {
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw DoesNotExist(name);
    }

    /// <summary>This state machine's executions, newest first.</summary>
    public async Task<IReadOnlyList<ExecutionDescription>> ListExecutionsAsync(
        int maxResults = 100, ExecutionStatus? statusFilter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResults, MaxListResults);
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ListExecutionsAsync(StateMachineArn, statusFilter, maxResults, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One page of this state machine's executions, newest first: <paramref name="maxResults"/> after the first
    /// <paramref name="skip"/>.
    /// </summary>
    public async Task<IReadOnlyList<ExecutionDescription>> ListExecutionsPageAsync(
        int skip, int maxResults, ExecutionStatus? statusFilter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxResults, 1);
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);
        var upTo = await _store.ListExecutionsAsync(StateMachineArn, statusFilter, skip + maxResults, cancellationToken)
            .ConfigureAwait(false);
        return [.. upTo.Skip(skip)];
    }

    /// <exception cref="ExecutionDoesNotExistException">No execution of this state machine has that name.</exception>
    public async Task<IReadOnlyList<HistoryEvent>> GetExecutionHistoryAsync(string name, CancellationToken cancellationToken = default)
    {
        var execution = await DescribeExecutionAsync(name, cancellationToken).ConfigureAwait(false);
        return await _store.GetHistoryAsync(execution.ExecutionArn, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes with the execution's final description once it has closed (at once if it already has).</summary>
    /// <exception cref="ExecutionDoesNotExistException">No execution of this state machine has that name.</exception>
    /// <exception cref="OperationCanceledException">
    /// The emulator was disposed first: the execution stays RUNNING, to resume when an emulator next uses the store.
    /// </exception>
    public async Task<ExecutionDescription> WaitForCompletionAsync(string name, CancellationToken cancellationToken = default)
    {
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);

        RunningExecution? running;
        Exception? unrecorded;
        ExecutionDescription? stored = null;
        await _registration.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_lifecycle)
            {
                _running.TryGetValue(name, out running);
                _unrecorded.TryGetValue(name, out unrecorded);
            }
            if (running is null && unrecorded is null) stored = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _registration.Release();
        }

        if (running is not null) return await running.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (unrecorded is not null) ExceptionDispatchInfo.Throw(unrecorded);
        return stored switch
        {
            null => throw DoesNotExist(name),
            { Status: ExecutionStatus.Running } => throw new InvalidOperationException(
                $"Execution {stored.ExecutionArn} is running, but not in this emulator; it cannot be waited for here."),
            _ => stored,
        };
    }

    /// <summary>
    /// Stops a running execution as StopExecution does: its run is cancelled where it is and the execution closes as
    /// ABORTED with <paramref name="error"/> and <paramref name="cause"/>. Returns its final description; an execution
    /// that had already closed is returned as it closed.
    /// </summary>
    /// <exception cref="ExecutionDoesNotExistException">No execution of this state machine has that name.</exception>
    public async Task<ExecutionDescription> StopExecutionAsync(
        string name, string? error, string? cause, CancellationToken cancellationToken = default)
    {
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);
        RunningExecution? running;
        lock (_lifecycle) _running.TryGetValue(name, out running);
        if (running is null) return await WaitForCompletionAsync(name, cancellationToken).ConfigureAwait(false);
        running.RequestStop(error, cause);
        return await running.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long after it closed an execution can still be redriven, as on AWS.</summary>
    public static readonly TimeSpan RedrivablePeriod = TimeSpan.FromDays(14);

    /// <summary>
    /// RedriveExecution: a failed, timed-out or aborted execution runs again from the state that did not finish, with
    /// the input that state was entered with; the states that finished are not run again. Returns the redrive date.
    /// </summary>
    /// <exception cref="ExecutionDoesNotExistException">No execution of this state machine has that name.</exception>
    /// <exception cref="ExecutionNotRedrivableException">It is running or succeeded, or closed more than 14 days ago.</exception>
    public async Task<DateTimeOffset> RedriveExecutionAsync(string name, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await ResumeInterruptedExecutionsAsync(cancellationToken).ConfigureAwait(false);
        await _registration.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var execution = await FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw DoesNotExist(name);
            if (execution.Status is ExecutionStatus.Running or ExecutionStatus.Succeeded)
            {
                throw new ExecutionNotRedrivableException(
                    $"Execution is {execution.Status.ToApiName()} and cannot be redriven: '{execution.ExecutionArn}'");
            }

            if (execution.StopDate is { } stopDate && _time.GetUtcNow() - stopDate > RedrivablePeriod)
            {
                throw new ExecutionNotRedrivableException($"Execution redrivable period exceeded: '{execution.ExecutionArn}'");
            }

            var redriven = await RedriveAsync(execution).ConfigureAwait(false);
            StepFunctionsLog.ExecutionRedriven(_logger, name, redriven.RedriveCount);
            return redriven.RedriveDate!.Value;
        }
        finally
        {
            _registration.Release();
        }
    }

    /// <summary>
    /// Stops running executions and waits for their runs to end. Their records stay RUNNING, and the next emulator
    /// over the store resumes them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lifecycle)
        {
            if (_disposed) return;
            _disposed = true;
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);

        // Resuming may still be launching runs; once it has stopped, no run can be added.
        if (_resumeInterruptedExecutions.IsValueCreated)
        {
            await _resumeInterruptedExecutions.Value.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Task[] runs;
        lock (_lifecycle) runs = [.. _running.Values.Select(running => running.Run)];
        await Task.WhenAll(runs).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private async Task<StartExecutionResult> RepeatedStartAsync(string executionArn, string input, CancellationToken cancellationToken)
    {
        var existing = await _store.GetExecutionAsync(executionArn, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Execution {executionArn} was reported to exist but could not be read.");

        // AWS treats a repeated request for a running execution as the same request only if the input is identical.
        return existing.Status == ExecutionStatus.Running && existing.Input == input
            ? new StartExecutionResult(existing.ExecutionArn, existing.StartDate, AlreadyRunning: true)
            : throw new ExecutionAlreadyExistsException($"Execution Already Exists: '{executionArn}'");
    }

    private void Launch(ExecutionDescription execution, JsonNode? input, ExecutionHistoryRecorder history, StateEntry entry)
    {
        var info = new ExecutionInfo(
            execution.ExecutionArn, execution.Name, execution.StartDate, input, _roleArn, StateMachineArn, _stateMachineName, _region,
            execution.RedriveCount, execution.RedriveDate);
        var interpreter = new ExecutionInterpreter(
            Volatile.Read(ref _machine), info, _invoker, history, _time, _logger, TaskTokens);
        lock (_lifecycle)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var running = new RunningExecution(_shutdown.Token);
            // A redriven execution's last run may still be leaving (its record is closed just before it lets go of its
            // name), so the new run takes the name over and the old one removes only its own entry.
            _running[execution.Name] = running;
            running.Run = Task.Run(() => RunToCompletionAsync(execution, interpreter, entry, history, running));
        }
    }

    private async Task RunToCompletionAsync(
        ExecutionDescription execution,
        ExecutionInterpreter interpreter,
        StateEntry entry,
        ExecutionHistoryRecorder history,
        RunningExecution running)
    {
        try
        {
            if (await RunUntilShutdownAsync(interpreter, entry, running).ConfigureAwait(false) is not { } outcome)
            {
                StepFunctionsLog.ExecutionSuspended(_logger, execution.Name);
                running.Completion.SetCanceled(_shutdown.Token);
                return;
            }

            var closed = await history.CloseAsync(execution, outcome, CancellationToken.None).ConfigureAwait(false);
            if (closed.Status == ExecutionStatus.Succeeded) StepFunctionsLog.ExecutionSucceeded(_logger, closed.Name);
            else StepFunctionsLog.ExecutionDidNotSucceed(_logger, closed.Name, closed.Status.ToApiName(), closed.Error, closed.Cause);
            running.Completion.SetResult(closed);
        }
        catch (Exception exception)
        {
            // The store failed; the run has nowhere else to report to, and waiters must not hang.
            StepFunctionsLog.ExecutionNotRecorded(_logger, exception, execution.Name);
            lock (_lifecycle) _unrecorded[execution.Name] = exception;
            running.Completion.SetException(exception);
        }
        finally
        {
            lock (_lifecycle)
            {
                if (_running.TryGetValue(execution.Name, out var current) && current == running) _running.Remove(execution.Name);
            }
            running.Dispose();
        }
    }

    /// <summary>
    /// The execution's outcome (ABORTED when StopExecution stopped it), or null when the emulator stopped it first and
    /// it is to resume later.
    /// </summary>
    private async Task<ExecutionOutcome?> RunUntilShutdownAsync(
        ExecutionInterpreter interpreter, StateEntry entry, RunningExecution running)
    {
        try
        {
            return await interpreter.RunAsync(entry, running.Cancellation).ConfigureAwait(false);
        }
        catch (Exception) when (running.StopRequest is { } stop)
        {
            return new ExecutionOutcome(ExecutionStatus.Aborted, null, stop.Error, stop.Cause);
        }
        catch (Exception) when (_shutdown.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task ResumeEveryInterruptedExecutionAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var interrupted = await _store.ListExecutionsAsync(StateMachineArn, ExecutionStatus.Running, int.MaxValue, CancellationToken.None)
            .ConfigureAwait(false);

        // Oldest first: turns resume in the order they were accepted.
        foreach (var execution in interrupted.Reverse())
        {
            if (_disposed) return;
            try
            {
                await ResumeAsync(execution).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not ObjectDisposedException)
            {
                // One execution whose record cannot be read must not keep the others, or the emulator, from working.
                StepFunctionsLog.InterruptedExecutionNotResumed(_logger, exception, execution.Name);
            }
        }
    }

    private async Task ResumeAsync(ExecutionDescription execution)
    {
        var redriven = await RedriveAsync(execution).ConfigureAwait(false);
        StepFunctionsLog.InterruptedExecutionResumed(_logger, execution.Name, redriven.StateName, redriven.RedriveCount);
    }

    /// <summary>Records the redrive and runs the execution again from the last state it entered.</summary>
    private async Task<(string StateName, int RedriveCount, DateTimeOffset? RedriveDate)> RedriveAsync(ExecutionDescription execution)
    {
        var events = await _store.GetHistoryAsync(execution.ExecutionArn, CancellationToken.None).ConfigureAwait(false);
        var input = JsonNode.Parse(execution.Input);
        var entry = StateEntry.ToResume(events, _machine.StartAt, input);
        var lastEventId = events.Count == 0 ? 0 : events[^1].Id;
        var history = new ExecutionHistoryRecorder(_store, execution.ExecutionArn, _time, lastEventId);
        var redriven = await history.RedriveAsync(execution, CancellationToken.None).ConfigureAwait(false);
        Launch(redriven, input, history, entry);
        return (entry.StateName, redriven.RedriveCount, redriven.RedriveDate);
    }

    private Task<ExecutionDescription?> FindAsync(string name, CancellationToken cancellationToken) =>
        _store.GetExecutionAsync(_executionArnPrefix + name, cancellationToken);

    /// <summary>What DescribeExecution answers for a name it does not know; a caller hiding an execution answers the same.</summary>
    public ExecutionDoesNotExistException DoesNotExist(string name) =>
        new($"Execution Does Not Exist: '{_executionArnPrefix + name}'");

    private sealed class RunningExecution(CancellationToken shutdown) : IDisposable
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        private volatile StopRequestDetails? _stopRequest;

        public TaskCompletionSource<ExecutionDescription> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Run { get; set; } = Task.CompletedTask;

        /// <summary>Cancelled when the emulator shuts down or StopExecution stops this execution.</summary>
        public CancellationToken Cancellation => _stop.Token;

        public StopRequestDetails? StopRequest => _stopRequest;

        public void RequestStop(string? error, string? cause)
        {
            _stopRequest ??= new StopRequestDetails(error, cause);
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended meanwhile; its completion already holds how it closed.
            }
        }

        public void Dispose() => _stop.Dispose();
    }

    private sealed record StopRequestDetails(string? Error, string? Cause);
}
