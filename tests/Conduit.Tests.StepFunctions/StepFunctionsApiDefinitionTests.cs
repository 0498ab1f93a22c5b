using System.Text.Json.Nodes;

namespace Conduit.Tests.StepFunctions;

/// <summary>Definitions created through the Step Functions API: refused as AWS refuses them, or run with intrinsics and filters.</summary>
public sealed class StepFunctionsApiDefinitionTests
{
    [Theory]
    [InlineData(
        """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"Orphan":{"Type":"Succeed"}}}""",
        "State \"Orphan\" is not reachable: no transition from StartAt \"A\" leads to it")]
    [InlineData(
        """{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"States.ArrayRange(1, 2)"},"End":true}}}""",
        "State \"A\" Parameters field \"v.$\" has an invalid intrinsic function call \"States.ArrayRange(1, 2)\": "
        + "States.ArrayRange takes 3 arguments, but is given 2")]
    [InlineData(
        """{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}""",
        "State \"A\" field \"ResultPath\" has \"$.a[*]\", which is not a reference path")]
    public async Task CreateStateMachine_DefinitionAwsRefuses_IsInvalidDefinitionNamingStateAndField(string definition, string expected)
    {
        await using var harness = ApiHarness.Create();

        var failure = await harness.FailureOfAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "refused", ["definition"] = definition, ["roleArn"] = ApiHarness.RoleArn,
        }.ToJsonString());

        Assert.Equal(400, failure.StatusCode);
        Assert.Equal("com.amazonaws.sfn#InvalidDefinition", failure.ErrorType);
        Assert.StartsWith($"Invalid State Machine Definition: '{expected}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStateMachine_DefinitionUsingIntrinsicsAndFilters_RunsThroughTheApi()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("shaper", """
            {"StartAt":"Shape","States":{"Shape":{"Type":"Pass","End":true,"Parameters":{
              "open.$":"$.tickets[?(@.status == 'open')].id",
              "summary.$":"States.Format('{} of {}', States.ArrayLength($.tickets[?(@.status == 'open')]), States.ArrayLength($.tickets))"
            }}}}
            """);

        var started = await harness.CallAsync("StartExecution", new JsonObject
        {
            ["stateMachineArn"] = arn, ["name"] = "run-1",
            ["input"] = """{"tickets":[{"id":1,"status":"open"},{"id":2,"status":"closed"},{"id":3,"status":"open"}]}""",
        }.ToJsonString());
        await harness.Registry.EmulatorFor(arn).WaitForCompletionAsync("run-1");
        var described = await harness.CallAsync("DescribeExecution", $$"""{"executionArn":"{{started["executionArn"]}}"}""");

        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        JsonAssert.Equivalent("""{ "open": [1, 3], "summary": "2 of 3" }""", described["output"]!.GetValue<string>());
    }
}
