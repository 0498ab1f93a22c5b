using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// The local interpreter and asl-validator (the npm schema and path checker for the States Language) agree: a
/// definition using intrinsic functions and JSONPath operators that the validator accepts loads and runs here, and
/// the definitions it refuses are refused here too.
/// </summary>
[RequiresNode]
public sealed class AslValidatorAgreementTests
{
    private const string DefinitionUsingIntrinsicsAndFilters = $$"""
        {
          "Comment": "Intrinsic functions and JSONPath operators where AWS allows them",
          "StartAt": "Shape",
          "States": {
            "Shape": {
              "Type": "Pass",
              "InputPath": "$.order",
              "Parameters": {
                "greeting.$": "States.Format('Order {} for {}', $.id, $$.Execution.Name)",
                "cheapSkus.$": "$.lines[?(@.price < 10)].sku",
                "lineCount.$": "States.ArrayLength($.lines[*])",
                "batches.$": "States.ArrayPartition($.lines[*].sku, 2)",
                "digest.$": "States.Hash($.id, 'SHA-256')",
                "merged.$": "States.JsonMerge($.meta, States.StringToJson('\\{\"source\": \"local\"\\}'), false)"
              },
              "ResultPath": "$.shaped",
              "Next": "Call"
            },
            "Call": {
              "Type": "Task",
              "Resource": "{{LambdaInvokeTaskInvoker.Resource}}",
              "Parameters": { "FunctionName": "echo", "Payload.$": "$.shaped" },
              "ResultSelector": { "shaped.$": "$.Payload", "nextLine.$": "States.MathAdd($.Payload.lineCount, 1)" },
              "End": true
            }
          }
        }
        """;

    private static readonly HashSet<string> SupportedResources = [LambdaInvokeTaskInvoker.Resource];

    private static async Task<(bool Accepted, string Output)> ValidateAsync(string definition)
    {
        var tools = NodeTools.Find()!;
        using var timeout = new CancellationTokenSource(NodePackages.InstallTimeout);
        await NodePackages.EnsureInstalledAsync(tools, timeout.Token);
        using var folder = new TemporaryFolder("asl-validator").Write("definition.asl.json", definition);
        var validator = await ChildProcess.RunAsync(
            tools.Node,
            [
                NodePackages.ModulePath("asl-validator", "dist", "bin", "asl-validator.js"), "--json-path",
                folder.File("definition.asl.json"),
            ],
            NodePackages.Folder,
            TimeSpan.FromMinutes(1));
        return (validator.Succeeded, validator.Output);
    }

    [NodeFact]
    public async Task DefinitionWithIntrinsicsAndFilters_PassesAslValidatorAndRunsLocally()
    {
        var (accepted, output) = await ValidateAsync(DefinitionUsingIntrinsicsAndFilters);
        Assert.True(accepted, $"asl-validator rejected the definition:\n{output}");

        await using var harness = EmulatorHarness.Create(DefinitionUsingIntrinsicsAndFilters);
        var execution = await harness.RunAsync("""
            { "order": { "id": "o-1", "meta": { "source": "web", "channel": "chat" },
                         "lines": [ { "sku": "a", "price": 5 }, { "sku": "b", "price": 50 }, { "sku": "c", "price": 7 } ] } }
            """);

        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Error}: {execution.Cause}");
        JsonAssert.Equivalent(
            """
            { "nextLine": 4,
              "shaped": { "greeting": "Order o-1 for execution-1", "cheapSkus": ["a", "c"], "lineCount": 3, "batches": [["a", "b"], ["c"]],
                          "digest": "5cbdcb742069a5823a0c64b49ce721b0bca5af9b2517aa95ada5427685fc3383",
                          "merged": { "source": "local", "channel": "chat" } } }
            """,
            execution.Output);
    }

    [NodeFact]
    public async Task InvalidDefinitions_AreRefusedByAslValidatorAndLocally()
    {
        string[] invalidStates =
        [
            """{ "Type": "Pass", "ResultPath": "$.items[*]", "End": true }""",
            """{ "Type": "Choice", "Choices": [ { "Variable": "$.items[*]", "IsPresent": true, "Next": "Shape" } ] }""",
            """{ "Type": "Pass", "Next": "Nowhere" }""",
            """{ "Type": "Pass" }""",
        ];

        foreach (var state in invalidStates)
        {
            var definition = $$"""{ "StartAt": "Shape", "States": { "Shape": {{state}} } }""";

            var (accepted, _) = await ValidateAsync(definition);

            Assert.False(accepted, $"asl-validator accepted {state}");
            Assert.Throws<AslLoadException>(() => StateMachine.Load(definition, new Dictionary<string, string>(), SupportedResources));
        }
    }
}
