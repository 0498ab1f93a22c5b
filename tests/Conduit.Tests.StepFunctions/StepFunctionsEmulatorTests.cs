using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

public sealed class StepFunctionsEmulatorTests
{
    private const string PassMachine = """{ "StartAt": "Done", "States": { "Done": { "Type": "Pass", "End": true } } }""";

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("a<b")]
    [InlineData("a}b")]
    [InlineData("a[b")]
    [InlineData("what?")]
    [InlineData("star*")]
    [InlineData("quote\"")]
    [InlineData("hash#")]
    [InlineData("percent%")]
    [InlineData("back\\slash")]
    [InlineData("caret^")]
    [InlineData("pipe|")]
    [InlineData("tilde~")]
    [InlineData("tick`")]
    [InlineData("dollar$")]
    [InlineData("amp&")]
    [InlineData("comma,")]
    [InlineData("semi;")]
    [InlineData("colon:")]
    [InlineData("slash/")]
    [InlineData("nul\u0000")]
    [InlineData("unit\u001F")]
    [InlineData("del\u007F")]
    [InlineData("c1\u0090")]
    public async Task StartExecution_NameWithForbiddenContent_ThrowsInvalidName(string name)
    {
        await using var harness = EmulatorHarness.Create(PassMachine);

        var exception = await Assert.ThrowsAsync<InvalidNameException>(() => harness.Emulator.StartExecutionAsync(name, "{}"));

        Assert.Equal("InvalidName", exception.ErrorCode);
    }

    [Fact]
    public async Task StartExecution_NameOver80Characters_ThrowsInvalidName()
    {
        await using var harness = EmulatorHarness.Create(PassMachine);

        await harness.Emulator.StartExecutionAsync(new string('a', 80), "{}");
        await Assert.ThrowsAsync<InvalidNameException>(() => harness.Emulator.StartExecutionAsync(new string('b', 81), "{}"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{ \"a\": 1, \"a\": 2 }")]
    [InlineData("")]
    public async Task StartExecution_InputNotJson_ThrowsInvalidExecutionInput(string input)
    {
        await using var harness = EmulatorHarness.Create(PassMachine);

        await Assert.ThrowsAsync<InvalidExecutionInputException>(() => harness.Emulator.StartExecutionAsync("e", input));
    }

    [Fact]
    public async Task StartExecution_InputOverQuota_ThrowsInvalidExecutionInput()
    {
        await using var harness = EmulatorHarness.Create(PassMachine);
        var input = $"\"{new string('é', 131_072)}\"";

        await Assert.ThrowsAsync<InvalidExecutionInputException>(() => harness.Emulator.StartExecutionAsync("e", input));
    }

    [Fact]
    public async Task StartExecution_ValidRequest_ReturnsLocalExecutionArnAndRuns()
    {
        await using var harness = EmulatorHarness.Create(PassMachine);

        var started = await harness.Emulator.StartExecutionAsync("turn-1", """[1, "two"]""");
        var execution = await harness.Emulator.WaitForCompletionAsync("turn-1");

        Assert.Equal("arn:aws:states:local:000000000000:execution:test-machine:turn-1", started.ExecutionArn);
        Assert.Equal(DelayRecordingTimeProvider.Start, started.StartDate);
        Assert.False(started.AlreadyRunning);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal(started.ExecutionArn, execution.ExecutionArn);
        Assert.Equal(EmulatorHarness.StateMachineArn, execution.StateMachineArn);
        JsonAssert.Equivalent("""[1, "two"]""", execution.Output);
    }

    [Fact]
    public async Task StartExecution_SameNameAndInputWhileRunning_ReturnsTheRunningExecution()
    {
        var (invoker, invoked, release) = ScriptedTaskInvoker.Gated();
        var time = new DelayRecordingTimeProvider();
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(), invoker, time);

        var first = await harness.Emulator.StartExecutionAsync("turn-1", """{ "q": 1 }""");
        await invoked;
        time.Advance(TimeSpan.FromMinutes(1));
        var repeated = await harness.Emulator.StartExecutionAsync("turn-1", """{ "q": 1 }""");
        release.SetResult(JsonValue.Create("answer"));
        await harness.Emulator.WaitForCompletionAsync("turn-1");

        Assert.True(repeated.AlreadyRunning);
        Assert.Equal(first.ExecutionArn, repeated.ExecutionArn);
        Assert.Equal(first.StartDate, repeated.StartDate);
        Assert.Single(invoker.Invocations);
    }

    [Fact]
    public async Task StartExecution_SameNameOtherInputWhileRunning_ThrowsExecutionAlreadyExists()
    {
        var (invoker, invoked, release) = ScriptedTaskInvoker.Gated();
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(), invoker);

        await harness.Emulator.StartExecutionAsync("turn-1", """{ "q": 1 }""");
        await invoked;
        var exception = await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(
            () => harness.Emulator.StartExecutionAsync("turn-1", """{ "q": 2 }"""));
        release.SetResult(null);

        Assert.Equal("ExecutionAlreadyExists", exception.ErrorCode);
    }

    [Fact]
    public async Task StartExecution_NameOfClosedExecution_ThrowsExecutionAlreadyExists()
    {
        await using var harness = EmulatorHarness.Create(PassMachine);
        await harness.RunAsync("{}", name: "turn-1");

        await Assert.ThrowsAsync<ExecutionAlreadyExistsException>(() => harness.Emulator.StartExecutionAsync("turn-1", "{}"));
    }

    [Fact]
    public async Task UnknownExecution_DescribeHistoryAndWait_ThrowExecutionDoesNotExist()
    {
        await using var harness = EmulatorHarness.Create(PassMachine);

        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => harness.Emulator.DescribeExecutionAsync("nope"));
        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => harness.Emulator.GetExecutionHistoryAsync("nope"));
        await Assert.ThrowsAsync<ExecutionDoesNotExistException>(() => harness.Emulator.WaitForCompletionAsync("nope"));
    }

    [Fact]
    public async Task ListExecutions_SeveralExecutions_ReturnsNewestFirstUpToMaxResults()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Route", "States": {
                "Route": { "Type": "Choice", "Choices": [ { "Variable": "$.ok", "BooleanEquals": true, "Next": "Done" } ] },
                "Done": { "Type": "Succeed" } } }
            """);
        foreach (var (name, ok) in new[] { ("first", "true"), ("second", "false"), ("third", "true") })
        {
            await harness.RunAsync($$"""{ "ok": {{ok}} }""", name);
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var all = await harness.Emulator.ListExecutionsAsync();
        var newestTwo = await harness.Emulator.ListExecutionsAsync(maxResults: 2);
        var failed = await harness.Emulator.ListExecutionsAsync(statusFilter: ExecutionStatus.Failed);

        Assert.Equal(["third", "second", "first"], all.Select(execution => execution.Name));
        Assert.Equal(
            [ExecutionStatus.Succeeded, ExecutionStatus.Failed, ExecutionStatus.Succeeded], all.Select(execution => execution.Status));
        Assert.Equal(["third", "second"], newestTwo.Select(execution => execution.Name));
        Assert.Equal("second", Assert.Single(failed).Name);
        Assert.Equal(StatesErrors.NoChoiceMatched, failed[0].Error);
        Assert.All(all, execution => Assert.NotNull(execution.StopDate));
    }

    [Fact]
    public async Task GetExecutionHistory_SuccessfulTask_RecordsEventsInAwsShape()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Parameters": { "FunctionName": "fn", "Payload.$": "$" }, "TimeoutSeconds": 30, "Next": "Done" }""",
                """{ "Done": { "Type": "Succeed" } }"""),
            ScriptedTaskInvoker.Returning("""{ "Payload": "ok" }"""));

        await harness.RunAsync("""{ "q": 1 }""");
        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");

        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
            ],
            history.Select(historyEvent => historyEvent.Type));
        Assert.Equal(Enumerable.Range(1, history.Count).Select(id => (long)id), history.Select(historyEvent => historyEvent.Id));
        Assert.Equal(
            Enumerable.Range(0, history.Count).Select(id => (long)id), history.Select(historyEvent => historyEvent.PreviousEventId));
        JsonAssert.Equivalent(
            """
            { "timestamp": "2025-01-15T09:30:00.000Z", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
              "executionStartedEventDetails": { "input": "{ \"q\": 1 }", "roleArn": "arn:aws:iam::000000000000:role/StepFunctionsLocal" } }
            """,
            history[0].ToJson().ToJsonString());
        JsonAssert.Equivalent(
            """{ "name": "Work", "input": "{\"q\":1}" }""",
            history[1].ToJson()["stateEnteredEventDetails"]!.ToJsonString());
        JsonAssert.Equivalent(
            """
            { "resourceType": "lambda", "resource": "invoke", "region": "local",
              "parameters": "{\"FunctionName\":\"fn\",\"Payload\":{\"q\":1}}", "timeoutInSeconds": 30 }
            """,
            history[2].ToJson()["taskScheduledEventDetails"]!.ToJsonString());
        JsonAssert.Equivalent(
            """{ "resourceType": "lambda", "resource": "invoke", "output": "{\"Payload\":\"ok\"}" }""",
            history[4].ToJson()["taskSucceededEventDetails"]!.ToJsonString());
        JsonAssert.Equivalent(
            """{ "output": "{\"Payload\":\"ok\"}" }""",
            history[^1].ToJson()["executionSucceededEventDetails"]!.ToJsonString());
    }

    [Fact]
    public async Task GetExecutionHistory_CaughtFailure_RecordsFailureThenCatcherPath()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure" } ] }""",
                """{ "NotifyFailure": { "Type": "Pass", "End": true } }"""),
            ScriptedTaskInvoker.AlwaysFailingWith("ModelThrottledException"));

        await harness.RunAsync("""{ "q": 1 }""");
        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");

        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "TaskStateExited",
                "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
            ],
            history.Select(historyEvent => historyEvent.Type));
        JsonAssert.Equivalent(
            """{ "resourceType": "lambda", "resource": "invoke", "error": "ModelThrottledException", "cause": "failure 1" }""",
            history[4].ToJson()["taskFailedEventDetails"]!.ToJsonString());
        JsonAssert.Equivalent(
            """{ "name": "Work", "output": "{\"q\":1,\"error\":{\"Error\":\"ModelThrottledException\",\"Cause\":\"failure 1\"}}" }""",
            history[5].ToJson()["stateExitedEventDetails"]!.ToJsonString());
    }

    [Fact]
    public async Task GetExecutionHistory_FailedExecution_EndsWithExecutionFailedDetails()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(), ScriptedTaskInvoker.AlwaysFailingWith("Boom"));

        await harness.RunAsync();
        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");

        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed", "ExecutionFailed"],
            history.Select(e => e.Type));
        JsonAssert.Equivalent(
            """{ "error": "Boom", "cause": "failure 1" }""", history[^1].ToJson()["executionFailedEventDetails"]!.ToJsonString());
    }

    [Fact]
    public async Task NewEmulator_OverSameDatabaseFile_ReadsEarlierExecutionAndHistory()
    {
        using var file = new TemporaryDatabaseFile();
        ExecutionDescription original;
        IReadOnlyList<HistoryEvent> originalHistory;
        await using (var database = file.Open())
        await using (var harness = EmulatorHarness.Create(Definitions.SingleTask(), ScriptedTaskInvoker.Echo(), database: database))
        {
            original = await harness.RunAsync("""{ "q": "persisted" }""", "turn-1");
            originalHistory = await harness.Emulator.GetExecutionHistoryAsync("turn-1");
        }

        await using var reopened = file.Open();
        await using var next = EmulatorHarness.Create(Definitions.SingleTask(), database: reopened);

        Assert.Equal(original, await next.Emulator.DescribeExecutionAsync("turn-1"));
        Assert.Equal(original, await next.Emulator.WaitForCompletionAsync("turn-1"));
        var history = await next.Emulator.GetExecutionHistoryAsync("turn-1");
        Assert.Equal(
            originalHistory.Select(historyEvent => historyEvent.ToJson().ToJsonString()),
            history.Select(historyEvent => historyEvent.ToJson().ToJsonString()));
    }

    [Fact]
    public async Task DisposeAsync_WhileExecutionRuns_LeavesItRunningInTheStore()
    {
        var (invoker, invoked, _) = ScriptedTaskInvoker.Gated();
        await using var database = SqliteDatabase.OpenInMemory();
        var harness = EmulatorHarness.Create(Definitions.SingleTask(), invoker, database: database);

        var started = await harness.Emulator.StartExecutionAsync("turn-1", "{}");
        await invoked;
        var waiting = harness.Emulator.WaitForCompletionAsync("turn-1");
        await harness.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var store = new SqliteExecutionStore(database);
        var stored = await store.GetExecutionAsync(started.ExecutionArn, CancellationToken.None);
        var history = await store.GetHistoryAsync(started.ExecutionArn, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Running, stored?.Status);
        Assert.Null(stored?.StopDate);
        Assert.Equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted"], history.Select(e => e.Type));
    }

    [Fact]
    public async Task NewEmulator_ExecutionLeftRunningByKilledHost_ResumesAtTheLastEnteredStateWithItsInput()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var store = new SqliteExecutionStore(database);
        const string arn = "arn:aws:states:local:000000000000:execution:test-machine:orphan";
        var running = new ExecutionDescription(
            arn, EmulatorHarness.StateMachineArn, "orphan", ExecutionStatus.Running, DelayRecordingTimeProvider.Start, null, """{"q":0}""",
            null, null, null);
        await store.TryCreateExecutionAsync(
            running, Event(1, "ExecutionStarted", new JsonObject { ["input"] = """{"q":0}""" }), CancellationToken.None);
        await store.AppendEventsAsync(
            arn,
            [
                Event(2, "PassStateEntered", new JsonObject { ["name"] = "First", ["input"] = """{"q":0}""" }),
                Event(3, "PassStateExited", new JsonObject { ["name"] = "First", ["output"] = """{"a":1}""" }),
                Event(4, "PassStateEntered", new JsonObject { ["name"] = "Done", ["input"] = """{"a":1}""" }),
            ],
            CancellationToken.None);

        await using var harness = EmulatorHarness.Create(
            """
            { "StartAt": "First", "States": {
                "First": { "Type": "Pass", "Result": { "a": 1 }, "Next": "Done" },
                "Done": { "Type": "Pass", "Parameters": { "a.$": "$.a", "b": 2 }, "End": true } } }
            """,
            database: database);
        var execution = await harness.Emulator.WaitForCompletionAsync("orphan");
        var history = await harness.Emulator.GetExecutionHistoryAsync("orphan");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "a": 1, "b": 2 }""", execution.Output);
        Assert.Equal(1, execution.RedriveCount);
        Assert.Equal(
            [
                "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered",
                "ExecutionRedriven", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
            ],
            history.Select(e => e.Type));
        Assert.Equal(Enumerable.Range(1, 8).Select(id => (long)id), history.Select(e => e.Id));
        JsonAssert.Equivalent("""{ "name": "Done", "input": "{\"a\":1}" }""", history[5].Details.ToJsonString());

        static HistoryEvent Event(long id, string type, JsonObject details) => new(
            id, id - 1, DelayRecordingTimeProvider.Start, type, details);
    }

    [Fact]
    public async Task Constructor_ArnThatIsNotAStateMachine_IsRejected()
    {
        var machine = StateMachine.Load(PassMachine, new Dictionary<string, string>(), new HashSet<string>());
        await using var database = SqliteDatabase.OpenInMemory();

        Assert.Throws<ArgumentException>(() => new StepFunctionsEmulator(
            machine, "arn:aws:lambda:local:000000000000:function:f", ScriptedTaskInvoker.Echo(),
            new SqliteExecutionStore(database), TimeProvider.System, NullLogger<StepFunctionsEmulator>.Instance));
    }
}
