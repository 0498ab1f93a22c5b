using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// Executions that outlive their emulator: each "host" is an emulator over its own connection to one database file,
/// stopped by disposing it, as a graceful shutdown does, and the next host resumes what was left RUNNING.
/// </summary>
public sealed class ExecutionResumeTests
{
    private const string Name = "turn-1";

    private static readonly string EchoRedriveCount = Definitions.SingleTask(
        """{ "Parameters": { "q.$": "$.q", "redrive.$": "$$.Execution.RedriveCount" } }""");

    private static readonly string PrepareThenAnswer = Definitions.SingleTask(
        """{ "Parameters": { "step": "prepare", "q.$": "$.q" }, "ResultPath": "$.prepared", "Next": "Answer" }""",
        $$"""
        { "Answer": { "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}",
            "Parameters": { "step": "answer", "prepared.$": "$.prepared.q" }, "End": true } }
        """);

    private static IEnumerable<string> TypesOf(IReadOnlyList<HistoryEvent> history) => history.Select(historyEvent => historyEvent.Type);

    private static IEnumerable<string> EnteredStates(IReadOnlyList<HistoryEvent> history) =>
        history.Where(historyEvent => historyEvent.Type.EndsWith("StateEntered", StringComparison.Ordinal))
            .Select(historyEvent => historyEvent.Details["name"]!.GetValue<string>());

    private static IEnumerable<T> Parameter<T>(ScriptedTaskInvoker invoker, string field) =>
        invoker.Invocations.Select(invocation => invocation.Parameters![field]!.GetValue<T>());

    /// <summary>Runs a host until its task invoker has been called, then stops it.</summary>
    private static async Task RunHostUntilInvokedAsync(
        TemporaryDatabaseFile file,
        string aslJson,
        GatedTaskInvoker gate,
        DelayRecordingTimeProvider time,
        Func<StepFunctionsEmulator, Task>? begin = null)
    {
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(aslJson, gate.Invoker, time, database);
        await (begin ?? (emulator => emulator.ResumeInterruptedExecutionsAsync()))(harness.Emulator);
        await gate.Invoked;
    }

    private static Func<StepFunctionsEmulator, Task> Start(string input) => emulator => emulator.StartExecutionAsync(Name, input);

    [Fact]
    public async Task Restart_WhileTaskRuns_InvokesTheTaskAgainAndSucceeds()
    {
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var stopped = ScriptedTaskInvoker.Gated();
        await RunHostUntilInvokedAsync(file, EchoRedriveCount, stopped, time, Start("""{ "q": "hello" }"""));
        time.Advance(TimeSpan.FromMinutes(5));

        var resumed = ScriptedTaskInvoker.Echo();
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(EchoRedriveCount, resumed, time, database);
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);
        var history = await harness.Emulator.GetExecutionHistoryAsync(Name);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "q": "hello", "redrive": 1 }""", execution.Output);
        Assert.Single(stopped.Invoker.Invocations);
        Assert.Single(resumed.Invocations);
        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                "ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "ExecutionSucceeded",
            ],
            TypesOf(history));
        Assert.Equal(
            """{"timestamp":"2025-01-15T09:35:00.000Z","type":"ExecutionRedriven","id":5,"previousEventId":4"""
            + ""","executionRedrivenEventDetails":{"redriveCount":1}}""",
            history[4].ToJson().ToJsonString());
        JsonAssert.Equivalent("""{ "name": "Work", "input": "{\"q\":\"hello\"}" }""", history[5].Details.ToJsonString());
        Assert.Equal(1, execution.RedriveCount);
        Assert.Equal(DelayRecordingTimeProvider.Start.AddMinutes(5), execution.RedriveDate);
        Assert.Equal(DelayRecordingTimeProvider.Start, execution.StartDate);
        Assert.Equal(1, execution.ToJson()["redriveCount"]!.GetValue<int>());
        Assert.Equal("2025-01-15T09:35:00.000Z", execution.ToJson()["redriveDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restart_WhileAParallelBranchRuns_RerunsTheParallelStateWithTheVariablesAssignedBefore()
    {
        var definition = $$"""
            { "StartAt": "Store", "States": {
                "Store": { "Type": "Pass", "Assign": { "tag.$": "$.q" }, "Next": "Both" },
                "Both": { "Type": "Parallel", "End": true, "Branches": [ { "StartAt": "Work", "States": {
                    "Work": { "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}", "Parameters": { "tag.$": "$tag" },
                      "End": true } } } ] } } }
            """;
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var stopped = ScriptedTaskInvoker.Gated();
        await RunHostUntilInvokedAsync(file, definition, stopped, time, Start("""{ "q": "hello" }"""));

        var resumed = ScriptedTaskInvoker.Echo();
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(definition, resumed, time, database);
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);
        var history = await harness.Emulator.GetExecutionHistoryAsync(Name);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""[ { "tag": "hello" } ]""", execution.Output);
        Assert.Equal(["Store", "Both", "Work", "Both", "Work"], EnteredStates(history));
    }

    [Fact]
    public async Task Restart_AfterAStateExited_ResumesAtItsNextWithoutRerunningIt()
    {
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var answered = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stoppedInvoker = new ScriptedTaskInvoker((invocation, _) =>
        {
            if (invocation.Parameters!["step"]!.GetValue<string>() == "prepare")
                return Task.FromResult<JsonNode?>(invocation.Parameters.DeepClone());
            answering.TrySetResult();
            return answered.Task;
        });
        await RunHostUntilInvokedAsync(
            file, PrepareThenAnswer, new GatedTaskInvoker(stoppedInvoker, answering.Task, answered), time, Start("""{ "q": 7 }"""));

        var resumed = ScriptedTaskInvoker.Echo();
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(PrepareThenAnswer, resumed, time, database);
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);
        var history = await harness.Emulator.GetExecutionHistoryAsync(Name);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "step": "answer", "prepared": 7 }""", execution.Output);
        Assert.Equal(["prepare", "answer"], Parameter<string>(stoppedInvoker, "step"));
        Assert.Equal(["answer"], Parameter<string>(resumed, "step"));
        Assert.Equal(["Work", "Answer", "Answer"], EnteredStates(history));
        Assert.Single(
            history, historyEvent => historyEvent.Type == "TaskStateExited" && historyEvent.Details["name"]!.GetValue<string>() == "Work");
        var redriven = Assert.Single(history, historyEvent => historyEvent.Type == "ExecutionRedriven");
        Assert.Equal("TaskStateEntered", history[(int)redriven.Id].Type);
    }

    [Fact]
    public async Task Restart_KilledAsTheNextStateWasEntered_FindsNoExitWithoutThatEntry()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var store = new SqliteExecutionStore(database);
        var killed = new InterruptingExecutionStore(
            store, events => events.Any(
                historyEvent => historyEvent.Type == "TaskStateEntered" && historyEvent.Details["name"]!.GetValue<string>() == "Answer"));
        await using (var harness = EmulatorHarness.Create(PrepareThenAnswer, ScriptedTaskInvoker.Echo(), database: database, store: killed))
        {
            await harness.Emulator.StartExecutionAsync(Name, """{ "q": 7 }""");
            await Assert.ThrowsAsync<IOException>(() => harness.Emulator.WaitForCompletionAsync(Name));
        }

        var stored = await store.GetHistoryAsync(EmulatorHarness.ExecutionArnPrefix + Name, CancellationToken.None);
        var resumed = ScriptedTaskInvoker.Echo();
        await using var next = EmulatorHarness.Create(PrepareThenAnswer, resumed, database: database);
        var execution = await next.Emulator.WaitForCompletionAsync(Name);

        Assert.Equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded"], TypesOf(stored));
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "step": "answer", "prepared": 7 }""", execution.Output);
        Assert.Equal(["prepare", "answer"], Parameter<string>(resumed, "step"));
    }

    [Fact]
    public async Task WaitForCompletion_AfterARunThatCouldNotRecordItsOutcome_ReportsTheSameFailure()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var killed = new InterruptingExecutionStore(
            new SqliteExecutionStore(database),
            events => events.Any(historyEvent => historyEvent.Type == "TaskStateEntered"));
        await using var harness = EmulatorHarness.Create(PrepareThenAnswer, ScriptedTaskInvoker.Echo(), database: database, store: killed);
        await harness.Emulator.StartExecutionAsync(Name, """{ "q": 7 }""");
        await Assert.ThrowsAsync<IOException>(() => harness.Emulator.WaitForCompletionAsync(Name));

        await Assert.ThrowsAsync<IOException>(() => harness.Emulator.WaitForCompletionAsync(Name));
    }

    [Fact]
    public async Task Restart_DuringRetryBackoff_ReentersTheTaskWithFreshRetryCounts()
    {
        const string retryOnce = """
            { "Parameters": { "retry.$": "$$.State.RetryCount" },
              "Retry": [ { "ErrorEquals": ["Throttled"], "IntervalSeconds": 10, "MaxAttempts": 1 } ] }
            """;
        var definition = Definitions.SingleTask(retryOnce);
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider();
        var throttled = ScriptedTaskInvoker.AlwaysFailingWith("Throttled");
        await using (var database = file.Open())
        await using (var harness = EmulatorHarness.Create(definition, throttled, time, database))
        {
            await harness.Emulator.StartExecutionAsync(Name, "{}");
            await time.DelaysRequestedAsync(1);
        }

        var throttledOnce = ScriptedTaskInvoker.FailingWith(["Throttled"]);
        await using var reopened = file.Open();
        await using var next = EmulatorHarness.Create(definition, throttledOnce, time, reopened);
        await next.Emulator.ResumeInterruptedExecutionsAsync();
        await time.DelaysRequestedAsync(2);
        time.Advance(TimeSpan.FromSeconds(10));
        var execution = await next.Emulator.WaitForCompletionAsync(Name);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("\"done\"", execution.Output);
        Assert.Single(throttled.Invocations);
        Assert.Equal([0, 1], Parameter<int>(throttledOnce, "retry"));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)], time.RequestedDelays);
        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
                "ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
                "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
            ],
            await next.EventTypesAsync(Name));
    }

    [Fact]
    public async Task Restart_Twice_CountsBothRedrives()
    {
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        var first = ScriptedTaskInvoker.Gated();
        var second = ScriptedTaskInvoker.Gated();
        await RunHostUntilInvokedAsync(file, EchoRedriveCount, first, time, Start("""{ "q": 1 }"""));
        time.Advance(TimeSpan.FromMinutes(1));
        await RunHostUntilInvokedAsync(file, EchoRedriveCount, second, time);
        time.Advance(TimeSpan.FromMinutes(1));

        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(EchoRedriveCount, ScriptedTaskInvoker.Echo(), time, database);
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);
        var history = await harness.Emulator.GetExecutionHistoryAsync(Name);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "q": 1, "redrive": 2 }""", execution.Output);
        Assert.Equal([0], Parameter<int>(first.Invoker, "redrive"));
        Assert.Equal([1], Parameter<int>(second.Invoker, "redrive"));
        Assert.Equal(2, execution.RedriveCount);
        Assert.Equal(DelayRecordingTimeProvider.Start.AddMinutes(2), execution.RedriveDate);
        Assert.Equal(
            [1, 2],
            history.Where(historyEvent => historyEvent.Type == "ExecutionRedriven").Select(
                historyEvent => historyEvent.Details["redriveCount"]!.GetValue<int>()));
        Assert.Equal(["Work", "Work", "Work"], EnteredStates(history));
    }

    [Fact]
    public async Task StartExecution_SameNameAndInputAsResumedExecution_ReturnsItAsAlreadyRunning()
    {
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        StartExecutionResult? original = null;
        await RunHostUntilInvokedAsync(
            file, EchoRedriveCount, ScriptedTaskInvoker.Gated(), time,
            async emulator => original = await emulator.StartExecutionAsync(Name, """{ "q": 1 }"""));

        var resumed = ScriptedTaskInvoker.Gated();
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(EchoRedriveCount, resumed.Invoker, time, database);
        var repeated = await harness.Emulator.StartExecutionAsync(Name, """{ "q": 1 }""");
        await resumed.Invoked;
        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => harness.Emulator.StartExecutionAsync(Name, """{ "q": 2 }"""));
        resumed.Release.SetResult(JsonValue.Create("answer"));
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);

        Assert.True(repeated.AlreadyRunning);
        Assert.Equal(original?.ExecutionArn, repeated.ExecutionArn);
        Assert.Equal(original?.StartDate, repeated.StartDate);
        Assert.Single(resumed.Invoker.Invocations);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("\"answer\"", execution.Output);
    }

    [Fact]
    public async Task Restart_DefinitionNoLongerHasTheState_FailsWithRuntimeErrorNamingIt()
    {
        using var file = new TemporaryDatabaseFile();
        var time = new DelayRecordingTimeProvider(autoAdvance: true);
        await RunHostUntilInvokedAsync(file, Definitions.SingleTask(), ScriptedTaskInvoker.Gated(), time, Start("{}"));

        var renamed = $$"""{ "StartAt": "Labour", "States": { "Labour": { "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}","""
            + $$""" "End": true } } }""";
        var invoker = ScriptedTaskInvoker.Echo();
        await using var database = file.Open();
        await using var harness = EmulatorHarness.Create(renamed, invoker, time, database);
        var execution = await harness.Emulator.WaitForCompletionAsync(Name);
        var history = await harness.Emulator.GetExecutionHistoryAsync(Name);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("state 'Work'", execution.Cause, StringComparison.Ordinal);
        Assert.Empty(invoker.Invocations);
        Assert.Equal(["ExecutionRedriven", "ExecutionFailed"], TypesOf(history).TakeLast(2));
    }
}
