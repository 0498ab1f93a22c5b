using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>Inline Map states: one iteration of the item processor per item, the output the array of iteration outputs.</summary>
public sealed class MapStateTests
{
    private const string PassProcessor =
        """{ "ProcessorConfig": { "Mode": "INLINE" }, "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } }""";

    private const string DistributedProcessor = """
        { "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" }, "StartAt": "Echo",
          "States": { "Echo": { "Type": "Pass", "End": true } } }
        """;

    private static string MapMachine(string mapFieldsJson, string processorJson = PassProcessor) => $$"""
        { "StartAt": "Validate-All", "States": {
            "Validate-All": { "Type": "Map", {{mapFieldsJson}}, "ItemProcessor": {{processorJson}}, "End": true } } }
        """;

    private static string TaskProcessor(string taskFieldsJson = "") => $$"""
        { "StartAt": "Validate", "States": { "Validate": { "Type": "Task", "Resource": "{{EmulatorHarness.Resource}}",
            {{taskFieldsJson}} "End": true } } }
        """;

    // AWS documentation, "Map workflow state", "ItemSelector (Map)": the context object's Map.Item.Index and
    // Map.Item.Value beside a field of the state's input, for each item of $.shipped.
    [Fact]
    public async Task Map_DocumentationItemSelectorExample_GivesEachIterationItsIndexAndValue()
    {
        await using var harness = EmulatorHarness.Create(MapMachine("""
            "ItemsPath": "$.shipped", "MaxConcurrency": 0,
            "ItemSelector": { "ContextIndex.$": "$$.Map.Item.Index", "ContextValue.$": "$$.Map.Item.Value",
                              "delivery-partner.$": "$.delivery-partner" }
            """));

        var execution = await harness.RunAsync("""
            { "delivery-partner": "UQS", "shipped": [
                { "prod": "R31", "dest-code": 9511, "quantity": 1344 },
                { "prod": "S39", "dest-code": 9511, "quantity": 40 } ] }
            """);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""
            [ { "ContextIndex": 0, "ContextValue": { "prod": "R31", "dest-code": 9511, "quantity": 1344 }, "delivery-partner": "UQS" },
              { "ContextIndex": 1, "ContextValue": { "prod": "S39", "dest-code": 9511, "quantity": 40 }, "delivery-partner": "UQS" } ]
            """, execution.Output);
    }

    // AWS documentation, "Map workflow state", the "Validate-All" example: InputPath $.detail, ItemsPath $.shipped and
    // ResultPath $.detail.shipped: ResultPath applies to the state's raw input, so each shipment in it is replaced by
    // what its iteration returned and the rest of the input is kept.
    [Fact]
    public async Task Map_DocumentationValidateAllExample_PlacesTheResultsAtResultPath()
    {
        var invoker = new ScriptedTaskInvoker((invocation, _) =>
            Task.FromResult<JsonNode?>(new JsonObject { ["valid"] = invocation.Parameters!["prod"]!.GetValue<string>() }));
        var definition = MapMachine(
            "\"InputPath\": \"$.detail\", \"ItemsPath\": \"$.shipped\", \"ResultPath\": \"$.detail.shipped\"", TaskProcessor());
        await using var harness = EmulatorHarness.Create(definition, invoker);

        var execution = await harness.RunAsync("""
            { "ship-date": "2016-03-14T01:59:00Z",
              "detail": { "delivery-partner": "UQS", "shipped": [ { "prod": "R31" }, { "prod": "S39" }, { "prod": "R40" } ] } }
            """);

        JsonAssert.Equivalent("""
            { "ship-date": "2016-03-14T01:59:00Z",
              "detail": { "delivery-partner": "UQS", "shipped": [ { "valid": "R31" }, { "valid": "S39" }, { "valid": "R40" } ] } }
            """, execution.Output);
    }

    [Fact]
    public async Task Map_Events_NameEachIterationWithItsIndex()
    {
        await using var harness = EmulatorHarness.Create(MapMachine("\"ItemsPath\": \"$.items\""));

        await harness.RunAsync("""{ "items": ["a", "b"] }""");

        var history = await harness.Emulator.GetExecutionHistoryAsync("execution-1");
        var started = Assert.Single(history, historyEvent => historyEvent.Type == "MapStateStarted");
        Assert.Equal(2, started.Details["length"]!.GetValue<int>());
        var iterations = history.Where(historyEvent => historyEvent.Type == "MapIterationSucceeded").ToList();
        Assert.Equal([0, 1], iterations.Select(historyEvent => historyEvent.Details["index"]!.GetValue<int>()).Order());
        Assert.All(iterations, historyEvent => Assert.Equal("Validate-All", historyEvent.Details["name"]!.GetValue<string>()));
        Assert.Equal(["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"], history.TakeLast(3).Select(e => e.Type));
    }

    [Fact]
    public async Task Map_LegacyIteratorAndParameters_AreAccepted()
    {
        var definition = $$"""
            { "StartAt": "Each", "States": { "Each": { "Type": "Map", "End": true,
                "Parameters": { "item.$": "$$.Map.Item.Value" },
                "Iterator": { "StartAt": "Echo", "States": { "Echo": { "Type": "Pass", "End": true } } } } } }
            """;
        await using var harness = EmulatorHarness.Create(definition);

        var execution = await harness.RunAsync("[1, 2]");

        JsonAssert.Equivalent("""[ { "item": 1 }, { "item": 2 } ]""", execution.Output);
    }

    [Fact]
    public async Task Map_MaxConcurrencyOne_RunsOneIterationAtATime()
    {
        var running = 0;
        var mostAtOnce = 0;
        var invoker = new ScriptedTaskInvoker(async (invocation, _) =>
        {
            mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
            await Task.Yield();
            Interlocked.Decrement(ref running);
            return invocation.Parameters;
        });
        await using var harness = EmulatorHarness.Create(MapMachine("\"MaxConcurrency\": 1", TaskProcessor()), invoker);

        var execution = await harness.RunAsync("[1, 2, 3, 4]");

        JsonAssert.Equivalent("[1, 2, 3, 4]", execution.Output);
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task Map_FailingIteration_FailsTheStateWithItsError()
    {
        var invoker = new ScriptedTaskInvoker((invocation, _) => invocation.Parameters!.GetValue<int>() == 2
            ? throw new TaskFailedException("BadItem", "item 2")
            : Task.FromResult<JsonNode?>(invocation.Parameters));
        await using var harness = EmulatorHarness.Create(MapMachine("\"MaxConcurrency\": 1", TaskProcessor()), invoker);

        var execution = await harness.RunAsync("[1, 2, 3]");

        Assert.Equal("BadItem", execution.Error);
        Assert.Equal("item 2", execution.Cause);
        var types = await harness.EventTypesAsync();
        Assert.Contains("MapIterationFailed", types);
        Assert.Equal(["MapStateFailed", "ExecutionFailed"], types.TakeLast(2));
        Assert.Equal(2, invoker.Invocations.Count);
    }

    [Fact]
    public async Task Map_FailuresWithinToleratedCount_Succeeds()
    {
        var invoker = new ScriptedTaskInvoker((invocation, _) => invocation.Parameters!.GetValue<int>() % 2 == 0
            ? throw new TaskFailedException("BadItem", "even")
            : Task.FromResult<JsonNode?>(invocation.Parameters));
        await using var harness = EmulatorHarness.Create(MapMachine("\"ToleratedFailureCount\": 1", TaskProcessor()), invoker);

        var execution = await harness.RunAsync("[1, 2, 3]");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""[1, { "Error": "BadItem", "Cause": "even" }, 3]""", execution.Output);
    }

    [Fact]
    public async Task Map_FailuresBeyondToleratedPercentage_FailsWithExceedToleratedFailureThreshold()
    {
        var invoker = ScriptedTaskInvoker.AlwaysFailingWith("BadItem");
        await using var harness = EmulatorHarness.Create(
            MapMachine("\"ToleratedFailurePercentagePath\": \"$.tolerance\", \"ItemsPath\": \"$.items\"", TaskProcessor()), invoker);

        var execution = await harness.RunAsync("""{ "tolerance": 50, "items": [1, 2, 3] }""");

        Assert.Equal("States.ExceedToleratedFailureThreshold", execution.Error);
    }

    [Fact]
    public async Task Map_ItemsPathNotAnArray_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create(MapMachine("\"ItemsPath\": \"$.items\""));

        var execution = await harness.RunAsync("""{ "items": "not a list" }""");

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("ItemsPath '$.items'", execution.Cause);
    }

    [Fact]
    public async Task Map_EmptyArray_OutputsEmptyArray()
    {
        await using var harness = EmulatorHarness.Create(MapMachine("\"ItemsPath\": \"$\""));

        var execution = await harness.RunAsync("[]");

        JsonAssert.Equivalent("[]", execution.Output);
    }

    [Theory]
    [InlineData(DistributedProcessor, "", "field \"ItemProcessor\" ProcessorConfig Mode \"DISTRIBUTED\"")]
    [InlineData(PassProcessor, "\"ItemReader\": {}, ", "field \"ItemReader\"")]
    [InlineData(PassProcessor, "\"ResultWriter\": {}, ", "field \"ResultWriter\"")]
    public void Load_DistributedMapFeatures_AreRefusedNamingStateAndField(string processor, string extraFields, string expected)
    {
        var definition = $$"""
            { "StartAt": "Each", "States": { "Each": { "Type": "Map", {{extraFields}} "ItemProcessor": {{processor}}, "End": true } } }
            """;

        var message = Assert.Throws<AslLoadException>(
            () => StateMachine.Load(definition, new Dictionary<string, string>(), new HashSet<string>())).Message;

        Assert.StartsWith("State \"Each\"", message);
        Assert.Contains(expected, message);
        Assert.Contains("not support", message);
    }
}
