using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>Parallel states: every branch runs on the state's input, and the output is the array of branch outputs.</summary>
public sealed class ParallelStateTests
{
    /// <summary>Adds or subtracts the two numbers of the task's input, as the AWS documentation's "FunWithMath" activities do.</summary>
    private static ScriptedTaskInvoker Arithmetic() => new((invocation, _) =>
    {
        var numbers = invocation.Parameters!["numbers"]!.AsArray();
        var (a, b) = (numbers[0]!.GetValue<int>(), numbers[1]!.GetValue<int>());
        return Task.FromResult<JsonNode?>(invocation.Parameters["op"]!.GetValue<string>() == "add" ? a + b : a - b);
    });

    private static string Branch(string stateName, string stateJson) =>
        $$"""{ "StartAt": "{{stateName}}", "States": { "{{stateName}}": {{stateJson}} } }""";

    private static string MathTask(string op) =>
        $$"""
        { "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}", "Parameters": { "op": "{{op}}", "numbers.$": "$" }, "End": true }
        """;

    // AWS documentation, "Parallel workflow state", "Parallel State Input and Output Processing": input [3, 2] gives [5, 1].
    private static readonly string FunWithMath = $$"""
        { "Comment": "Parallel Example.", "StartAt": "FunWithMath", "States": {
            "FunWithMath": { "Type": "Parallel", "End": true, "Branches": [
              {{Branch("Add", MathTask("add"))}},
              {{Branch("Subtract", MathTask("subtract"))}} ] } } }
        """;

    [Fact]
    public async Task Parallel_DocumentationFunWithMath_OutputsEachBranchResultInOrder()
    {
        await using var harness = EmulatorHarness.Create(FunWithMath, Arithmetic());

        var execution = await harness.RunAsync("[3, 2]");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("[5, 1]", execution.Output);
        var types = await harness.EventTypesAsync();
        Assert.Equal(["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"], types.Take(3));
        Assert.Equal(["ParallelStateSucceeded", "ParallelStateExited", "ExecutionSucceeded"], types.TakeLast(3));
        Assert.Equal(2, types.Count(type => type == "TaskSucceeded"));
    }

    [Fact]
    public async Task Parallel_BranchEvents_ChainFromTheStartedEvent()
    {
        await using var harness = EmulatorHarness.Create(FunWithMath, Arithmetic());

        await harness.RunAsync("[3, 2]");

        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");
        var started = Assert.Single(history, historyEvent => historyEvent.Type == "ParallelStateStarted");
        var branchStarts = history.Where(historyEvent => historyEvent.PreviousEventId == started.Id).ToList();
        Assert.Equal(2, branchStarts.Count(historyEvent => historyEvent.Type == "TaskStateEntered"));
    }

    [Fact]
    public async Task Parallel_ResultSelectorResultPathOutputPath_ShapeTheOutput()
    {
        var definition = $$"""
            { "StartAt": "Both", "States": { "Both": { "Type": "Parallel", "End": true,
                "ResultSelector": { "sum.$": "$[0]", "difference.$": "$[1]" }, "ResultPath": "$.math", "OutputPath": "$.math",
                "Branches": [ {{Branch("Add", MathTask("add"))}}, {{Branch("Subtract", MathTask("subtract"))}} ] } } }
            """;
        var readingN = definition.Replace("\"numbers.$\": \"$\"", "\"numbers.$\": \"$.n\"", StringComparison.Ordinal);
        await using var harness = EmulatorHarness.Create(readingN, Arithmetic());

        var execution = await harness.RunAsync("""{ "n": [7, 4] }""");

        JsonAssert.Equivalent("""{ "sum": 11, "difference": 3 }""", execution.Output);
    }

    [Fact]
    public async Task Parallel_FailingBranch_FailsWithTheBranchErrorAndStopsTheOthers()
    {
        var hanging = new TaskCompletionSource<JsonNode?>();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invoker = new ScriptedTaskInvoker((invocation, cancellationToken) =>
        {
            if (invocation.Parameters!["op"]!.GetValue<string>() == "fail")
                throw new TaskFailedException("Lambda.ServiceException", "down");
            cancellationToken.Register(() => cancelled.TrySetResult());
            return hanging.Task;
        });
        var definition = $$"""
            { "StartAt": "Both", "States": { "Both": { "Type": "Parallel", "End": true,
                "Branches": [ {{Branch("Slow", MathTask("slow"))}}, {{Branch("Broken", MathTask("fail"))}} ] } } }
            """;
        await using var harness = EmulatorHarness.Create(definition, invoker);

        var execution = await harness.RunAsync("[1, 1]");
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("Lambda.ServiceException", execution.Error);
        Assert.Equal("down", execution.Cause);
        var types = await harness.EventTypesAsync();
        Assert.Contains("ParallelStateFailed", types);
        Assert.DoesNotContain("ParallelStateSucceeded", types);
    }

    [Fact]
    public async Task Parallel_CatchOnTheWholeState_CatchesABranchFailure()
    {
        var definition = $$"""
            { "StartAt": "Both", "States": {
                "Both": { "Type": "Parallel", "Next": "Done",
                  "Catch": [ { "ErrorEquals": ["Oops"], "ResultPath": "$.error", "Next": "Recovered" } ],
                  "Branches": [ {{Branch("Ok", """{ "Type": "Pass", "End": true }""")}},
                                {{Branch("Broken", """{ "Type": "Fail", "Error": "Oops", "Cause": "branch two" }""")}} ] },
                "Recovered": { "Type": "Pass", "End": true },
                "Done": { "Type": "Succeed" } } }
            """;
        await using var harness = EmulatorHarness.Create(definition);

        var execution = await harness.RunAsync("""{ "id": 1 }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "id": 1, "error": { "Error": "Oops", "Cause": "branch two" } }""", execution.Output);
    }

    [Fact]
    public async Task Parallel_RetryOnTheWholeState_RunsEveryBranchAgain()
    {
        var task = $$"""{ "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}", "End": true }""";
        var invoker = new ScriptedTaskInvoker((invocation, _) => invocation.Number == 1
            ? throw new TaskFailedException("Busy", "try again")
            : Task.FromResult<JsonNode?>(invocation.Number));
        var definition = $$"""
            { "StartAt": "Both", "States": { "Both": { "Type": "Parallel", "End": true,
                "Retry": [ { "ErrorEquals": ["Busy"], "MaxAttempts": 1 } ],
                "Branches": [ {{Branch("Only", task)}} ] } } }
            """;
        await using var harness = EmulatorHarness.Create(definition, invoker);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("[2]", execution.Output);
        Assert.Equal(2, (await harness.EventTypesAsync()).Count(type => type == "ParallelStateStarted"));
    }

    [Fact]
    public async Task Parallel_StoppedWhileBranchesRun_RecordsParallelStateAborted()
    {
        var gate = ScriptedTaskInvoker.Gated();
        await using var harness = EmulatorHarness.Create(FunWithMath, gate.Invoker);

        await harness.Emulator.StartExecutionAsync("execution-1", "[1, 2]");
        await gate.Invoked;
        var execution = await harness.Emulator.StopExecutionAsync("execution-1", null, null);

        Assert.Equal(ExecutionStatus.Aborted, execution.Status);
        var types = await harness.EventTypesAsync();
        Assert.Equal(["ParallelStateAborted", "ExecutionAborted"], types.TakeLast(2));
    }

    [Fact]
    public void Load_BranchWithUnknownNext_NamesTheBranchState()
    {
        var definition = $$"""
            { "StartAt": "Both", "States": { "Both": { "Type": "Parallel", "End": true,
                "Branches": [ {{Branch("Inner", """{ "Type": "Pass", "Next": "Nowhere" }""")}} ] } } }
            """;

        var message = Assert.Throws<AslLoadException>(
            () => StateMachine.Load(definition, new Dictionary<string, string>(), new HashSet<string>())).Message;

        Assert.Equal(
            "State \"Both\" Branches[0] State \"Inner\" field \"Next\" names \"Nowhere\", which is not a state in States",
            message);
    }
}
