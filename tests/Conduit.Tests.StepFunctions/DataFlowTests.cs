using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>InputPath, Parameters, ResultSelector, ResultPath, OutputPath and the context object.</summary>
public sealed class DataFlowTests
{
    private const string Input = """{ "order": { "id": "o-1", "lines": [ { "sku": "a" }, { "sku": "b" } ] }, "odd key": 7 }""";

    private static async Task<ExecutionDescription> RunPassAsync(string passFields, string input = Input)
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass(passFields));
        return await harness.RunAsync(input);
    }

    [Fact]
    public async Task InputPath_Path_SelectsTheNodeAsEffectiveInput()
    {
        var execution = await RunPassAsync("""{ "InputPath": "$.order.lines[1]" }""");

        JsonAssert.Equivalent("""{ "sku": "b" }""", execution.Output);
    }

    [Fact]
    public async Task InputPath_BracketNotation_SelectsKeyWithSpace()
    {
        var execution = await RunPassAsync("""{ "InputPath": "$['odd key']" }""");

        JsonAssert.Equivalent("7", execution.Output);
    }

    [Fact]
    public async Task InputPath_Null_GivesEmptyObject()
    {
        var execution = await RunPassAsync("""{ "InputPath": null }""");

        JsonAssert.Equivalent("{}", execution.Output);
    }

    [Fact]
    public async Task Parameters_PathKeys_TakeValuesAtEveryDepth()
    {
        var execution = await RunPassAsync("""
            { "InputPath": "$.order",
              "Parameters": { "id.$": "$.id", "fixed": 1, "nested": { "first.$": "$.lines[0].sku", "list": [ { "second.$": "$.lines[1]" },
              "text" ] } } }
            """);

        JsonAssert.Equivalent(
            """{ "id": "o-1", "fixed": 1, "nested": { "first": "a", "list": [ { "second": { "sku": "b" } }, "text" ] } }""",
            execution.Output);
    }

    [Fact]
    public async Task Parameters_ContextPaths_ReadTheContextObject()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass("""
            { "Parameters": {
                "executionId.$": "$$.Execution.Id", "executionName.$": "$$.Execution.Name", "startTime.$": "$$.Execution.StartTime",
                "orderId.$": "$$.Execution.Input.order.id", "roleArn.$": "$$.Execution.RoleArn",
                "stateName.$": "$$.State.Name", "enteredTime.$": "$$.State.EnteredTime", "retryCount.$": "$$.State.RetryCount",
                "machineId.$": "$$.StateMachine.Id", "machineName.$": "$$.StateMachine.Name" } }
            """));

        var execution = await harness.RunAsync(Input, name: "order-o-1");

        JsonAssert.Equivalent(
            $$"""
            {
              "executionId": "arn:aws:states:local:000000000000:execution:test-machine:order-o-1",
              "executionName": "order-o-1",
              "startTime": "2025-01-15T09:30:00.000Z",
              "orderId": "o-1",
              "roleArn": "arn:aws:iam::000000000000:role/StepFunctionsLocal",
              "stateName": "Shape",
              "enteredTime": "2025-01-15T09:30:00.000Z",
              "retryCount": 0,
              "machineId": "{{EmulatorHarness.StateMachineArn}}",
              "machineName": "test-machine"
            }
            """,
            execution.Output);
    }

    [Fact]
    public async Task ResultPath_NestedPath_CreatesMissingObjects()
    {
        var execution = await RunPassAsync("""{ "Result": "r", "ResultPath": "$.order.audit.result" }""");

        var output = JsonNode.Parse(execution.Output!)!;
        Assert.Equal("r", output["order"]!["audit"]!["result"]!.GetValue<string>());
        Assert.Equal("o-1", output["order"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResultPath_ArrayIndex_ReplacesTheElement()
    {
        var execution = await RunPassAsync(
            """{ "Result": { "sku": "z" }, "ResultPath": "$.order.lines[0]", "OutputPath": "$.order.lines" }""");

        JsonAssert.Equivalent("""[ { "sku": "z" }, { "sku": "b" } ]""", execution.Output);
    }

    [Fact]
    public async Task ResultPath_Null_DiscardsResultAndKeepsInput()
    {
        var execution = await RunPassAsync("""{ "Result": "ignored", "ResultPath": null }""");

        JsonAssert.Equivalent(Input, execution.Output);
    }

    [Fact]
    public async Task ResultPath_Default_ReplacesInputWithResult()
    {
        var execution = await RunPassAsync("""{ "Result": { "only": true } }""");

        JsonAssert.Equivalent("""{ "only": true }""", execution.Output);
    }

    [Fact]
    public async Task ResultPath_AppliesToRawInputNotEffectiveInput()
    {
        var execution = await RunPassAsync(
            """{ "InputPath": "$.order.id", "Parameters": { "copied.$": "$" }, "ResultPath": "$.copy", "OutputPath": "$.copy" }""");

        JsonAssert.Equivalent("""{ "copied": "o-1" }""", execution.Output);
    }

    [Fact]
    public async Task ResultPath_ThroughNonObject_FailsWithResultPathMatchFailure()
    {
        var execution = await RunPassAsync("""{ "Result": 1, "ResultPath": "$.order.id.deeper" }""");

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.ResultPathMatchFailure, execution.Error);
    }

    [Fact]
    public async Task OutputPath_Path_SelectsFromTheCombinedOutput()
    {
        var execution = await RunPassAsync("""{ "Result": { "v": 1 }, "ResultPath": "$.result", "OutputPath": "$.result.v" }""");

        JsonAssert.Equivalent("1", execution.Output);
    }

    [Fact]
    public async Task OutputPath_Null_GivesEmptyObject()
    {
        var execution = await RunPassAsync("""{ "OutputPath": null }""");

        JsonAssert.Equivalent("{}", execution.Output);
    }

    [Fact]
    public async Task ResultSelector_PathKeys_ReshapeTheTaskResult()
    {
        var invoker = ScriptedTaskInvoker.Returning("""{ "Payload": { "answer": 42, "noise": "x" }, "StatusCode": 200 }""");
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask(
                """{ "ResultSelector": { "answer.$": "$.Payload.answer", "state.$": "$$.State.Name" }, "ResultPath": "$.result" }"""),
            invoker);

        var execution = await harness.RunAsync("""{ "question": "?" }""");

        JsonAssert.Equivalent("""{ "question": "?", "result": { "answer": 42, "state": "Work" } }""", execution.Output);
    }

    [Fact]
    public async Task Parameters_OmittedOnTask_SendsTheEffectiveInput()
    {
        var invoker = ScriptedTaskInvoker.Echo();
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask("""{ "InputPath": "$.order.lines[0]" }"""), invoker);

        await harness.RunAsync(Input);

        JsonAssert.Equivalent("""{ "sku": "a" }""", Assert.Single(invoker.Invocations).Parameters!.ToJsonString());
    }

    [Fact]
    public async Task InputPath_MissingPath_FailsWithStatesRuntimeNamingThePath()
    {
        var execution = await RunPassAsync("""{ "InputPath": "$.order.customer" }""");

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("'$.order.customer'", execution.Cause);
        Assert.Contains("state 'Shape'", execution.Cause);
    }

    [Fact]
    public async Task Parameters_MissingPath_FailsWithStatesRuntimeNamingPathAndField()
    {
        var execution = await RunPassAsync("""{ "Parameters": { "customer.$": "$.order.customer" } }""");

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("The JSONPath '$.order.customer' specified for the field 'customer.$' could not be found", execution.Cause);
    }

    [Fact]
    public async Task Pass_OutputOverQuota_FailsWithDataLimitExceeded()
    {
        var big = new string('x', 262_144);
        var execution = await RunPassAsync($$"""{ "Result": "{{big}}" }""");

        Assert.Equal(StatesErrors.DataLimitExceeded, execution.Error);
    }
}
