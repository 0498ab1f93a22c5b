using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// Workflow variables: <c>Assign</c> and <c>$name</c> references, as the AWS documentation's "Passing data between
/// states with variables" describes them for the JSONPath query language.
/// </summary>
public sealed class VariableTests
{
    private static StateMachine Load(string aslJson) =>
        StateMachine.Load(aslJson, new Dictionary<string, string>(), new HashSet<string> { EmulatorHarness.Resource });

    private static string LoadError(string aslJson) => Assert.Throws<AslLoadException>(() => Load(aslJson)).Message;

    // The documentation's first example: "Assign": { "productName": "product1", "count": 42, "available": true },
    // then "$productName" and the others wherever a path is allowed.
    [Fact]
    public async Task Assign_DocumentationConstants_AreReadByLaterStatesParametersAndChoice()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Store", "States": {
                "Store": { "Type": "Pass", "Assign": { "productName": "product1", "count": 42, "available": true }, "Next": "Route" },
                "Route": { "Type": "Choice", "Choices": [ { "Variable": "$available", "BooleanEquals": true, "Next": "Use" } ] },
                "Use": { "Type": "Pass", "Parameters": { "name.$": "$productName", "count.$": "$count" }, "End": true } } }
            """);

        var execution = await harness.RunAsync();

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "name": "product1", "count": 42 }""", execution.Output);
    }

    [Fact]
    public async Task Assign_OnTask_SeesTheResultAfterResultSelectorAndFieldPathsWork()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(
            """
            { "Parameters": { "price": 9 }, "ResultSelector": { "item.$": "$" }, "ResultPath": null,
              "Assign": { "currentPrice.$": "$.item.price", "whole.$": "$" }, "Next": "Use" }
            """,
            """{ "Use": { "Type": "Pass", "Parameters": { "p.$": "$currentPrice", "nested.$": "$whole.item.price" }, "End": true } }"""));

        var execution = await harness.RunAsync();

        JsonAssert.Equivalent("""{ "p": 9, "nested": 9 }""", execution.Output);
    }

    [Fact]
    public async Task Assign_ReadsVariablesAsTheyWereWhenTheStateWasEntered()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "First", "States": {
                "First": { "Type": "Pass", "Assign": { "x": 1 }, "Next": "Second" },
                "Second": { "Type": "Pass", "Assign": { "x": 2, "previous.$": "$x" }, "Next": "Use" },
                "Use": { "Type": "Pass", "Parameters": { "x.$": "$x", "previous.$": "$previous" }, "End": true } } }
            """);

        var execution = await harness.RunAsync();

        JsonAssert.Equivalent("""{ "x": 2, "previous": 1 }""", execution.Output);
    }

    [Fact]
    public async Task Assign_OnCatch_SeesTheErrorOutput()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "Catch": [ { "ErrorEquals": ["States.ALL"], "Assign": { "failure.$": "$.Error" }, "Next": "Use" } ] }""",
                """{ "Use": { "Type": "Pass", "Parameters": { "failure.$": "$failure" }, "End": true } }"""),
            ScriptedTaskInvoker.AlwaysFailingWith("Lambda.ServiceException"));

        var execution = await harness.RunAsync();

        JsonAssert.Equivalent("""{ "failure": "Lambda.ServiceException" }""", execution.Output);
    }

    [Fact]
    public async Task Assign_OnChoiceRuleAndState_BothApplyWhenTheRuleMatches()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Route", "States": {
                "Route": { "Type": "Choice", "Assign": { "routed": true },
                  "Choices": [ { "Variable": "$.n", "NumericEquals": 1, "Assign": { "rule.$": "$.n" }, "Next": "Use" } ] },
                "Use": { "Type": "Pass", "Parameters": { "routed.$": "$routed", "rule.$": "$rule" }, "End": true } } }
            """);

        var execution = await harness.RunAsync("""{ "n": 1 }""");

        JsonAssert.Equivalent("""{ "routed": true, "rule": 1 }""", execution.Output);
    }

    [Fact]
    public async Task Assign_OnWait_SeesTheStateInput()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Pause", "States": {
                "Pause": { "Type": "Wait", "Seconds": 1, "Assign": { "seen.$": "$.n" }, "Next": "Use" },
                "Use": { "Type": "Pass", "Parameters": { "seen.$": "$seen" }, "End": true } } }
            """);

        var execution = await harness.RunAsync("""{ "n": 5 }""");

        JsonAssert.Equivalent("""{ "seen": 5 }""", execution.Output);
    }

    [Fact]
    public async Task Variables_InParallelBranch_ReadOuterAndDoNotLeakOut()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Store", "States": {
                "Store": { "Type": "Pass", "Assign": { "outer": "o" }, "Next": "Both" },
                "Both": { "Type": "Parallel", "Next": "Leak", "Branches": [ { "StartAt": "Inner", "States": {
                    "Inner": { "Type": "Pass", "Parameters": { "outer.$": "$outer" }, "Assign": { "inner": "i" }, "End": true } } } ] },
                "Leak": { "Type": "Pass", "Parameters": { "inner.$": "$inner" }, "End": true } } }
            """);

        var execution = await harness.RunAsync();

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("$inner", execution.Cause);
        var parallelOutput = (await harness.Emulator.GetExecutionHistoryAsync("execution-1"))
            .Single(historyEvent => historyEvent.Type == "ParallelStateExited").Details["output"]!.GetValue<string>();
        JsonAssert.Equivalent("""[ { "outer": "o" } ]""", parallelOutput);
    }

    [Fact]
    public async Task Variables_InMapItemSelector_AreRead()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Store", "States": {
                "Store": { "Type": "Pass", "Assign": { "tag": "t" }, "Next": "Each" },
                "Each": { "Type": "Map", "End": true, "ItemSelector": { "tag.$": "$tag", "v.$": "$$.Map.Item.Value" },
                  "ItemProcessor": { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } } } } }
            """);

        var execution = await harness.RunAsync("[1]");

        JsonAssert.Equivalent("""[ { "tag": "t", "v": 1 } ]""", execution.Output);
    }

    [Fact]
    public async Task Variables_UnassignedReference_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass("""{ "Parameters": { "x.$": "$missing" } }"""));

        var execution = await harness.RunAsync();

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("$missing", execution.Cause);
    }

    [Fact]
    public async Task Assign_OverTheSizeQuota_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass("""{ "Assign": { "a.$": "$.big", "b.$": "$.big" } }"""));

        var execution = await harness.RunAsync($$"""{ "big": "{{new string('x', 150_000)}}" }""");

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("262144", execution.Cause);
    }

    [Fact]
    public void Load_InnerStateAssigningAnOuterVariable_IsRefusedNamingTheState()
    {
        var message = LoadError("""
            { "StartAt": "Store", "States": {
                "Store": { "Type": "Pass", "Assign": { "total": 0 }, "Next": "Each" },
                "Each": { "Type": "Map", "End": true, "ItemProcessor": { "StartAt": "Add", "States": {
                    "Add": { "Type": "Pass", "Assign": { "total": 1 }, "End": true } } } } } }
            """);

        Assert.Contains("State \"Add\"", message);
        Assert.Contains("\"total\"", message);
        Assert.Contains("outer scope", message);
    }

    [Theory]
    [InlineData("states", "reserved")]
    [InlineData("1st", "must start with a letter or underscore")]
    [InlineData("has-dash", "must start with a letter or underscore")]
    public void Load_InvalidVariableName_IsRefused(string name, string problem)
    {
        var message = LoadError(Definitions.SinglePass($$"""{ "Assign": { "{{name}}": 1 } }"""));

        Assert.Contains($"State \"Shape\" field \"Assign\" variable \"{name}\"", message);
        Assert.Contains(problem, message);
    }

    [Fact]
    public void Load_TooLongVariableName_IsRefused()
    {
        var message = LoadError(Definitions.SinglePass($$"""{ "Assign": { "{{new string('v', 81)}}": 1 } }"""));

        Assert.Contains("80 characters", message);
    }

    [Fact]
    public void Load_VariableInResultPath_IsRefused()
    {
        var message = LoadError(Definitions.SinglePass("""{ "ResultPath": "$x" }"""));

        Assert.Contains("ResultPath", message);
    }
}
