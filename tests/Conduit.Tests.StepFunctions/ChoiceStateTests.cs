using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class ChoiceStateTests
{
    private const string Input = """
        {
          "name": "alpha", "other": "beta", "pattern": "log-*.txt",
          "count": 10, "limit": 10.0, "big": 9007199254740993, "ratio": 0.5,
          "flag": true, "yes": true,
          "when": "2024-06-01T12:00:00Z", "sameMoment": "2024-06-01T14:00:00+02:00", "later": "2024-06-01T12:00:00.5Z",
          "nothing": null, "notATime": "2024-06-01"
        }
        """;

    /// <summary>Runs a Choice state with <paramref name="ruleJson"/> as its only rule and says whether the rule matched.</summary>
    private static async Task<bool> MatchesAsync(string ruleJson, string input = Input)
    {
        await using var harness = EmulatorHarness.Create(ChoiceMachine(ruleJson, defaultTarget: "Unmatched"));
        var execution = await harness.RunAsync(input);
        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        return execution.Output == "\"matched\"";
    }

    private static string ChoiceMachine(string ruleJson, string? defaultTarget)
    {
        var rule = JsonNode.Parse(ruleJson)!.AsObject();
        rule["Next"] = "Matched";
        var choice = new JsonObject { ["Type"] = "Choice", ["Choices"] = new JsonArray(rule) };
        var states = new JsonObject
        {
            ["Route"] = choice,
            ["Matched"] = new JsonObject { ["Type"] = "Pass", ["Result"] = "matched", ["End"] = true },
        };

        // Only a Default leads to the Unmatched state, and a definition may not hold a state nothing leads to.
        if (defaultTarget is not null)
        {
            choice["Default"] = defaultTarget;
            states["Unmatched"] = new JsonObject { ["Type"] = "Pass", ["Result"] = "unmatched", ["End"] = true };
        }

        return new JsonObject { ["StartAt"] = "Route", ["States"] = states }.ToJsonString();
    }

    [Theory]
    [InlineData("""{ "Variable": "$.name", "StringEquals": "alpha" }""", true)]
    [InlineData("""{ "Variable": "$.name", "StringEquals": "Alpha" }""", false)]
    [InlineData("""{ "Variable": "$.name", "StringLessThan": "beta" }""", true)]
    [InlineData("""{ "Variable": "$.name", "StringGreaterThan": "beta" }""", false)]
    [InlineData("""{ "Variable": "$.name", "StringLessThanEquals": "alpha" }""", true)]
    [InlineData("""{ "Variable": "$.name", "StringGreaterThanEquals": "alphabet" }""", false)]
    [InlineData("""{ "Variable": "$.name", "StringEqualsPath": "$.other" }""", false)]
    [InlineData("""{ "Variable": "$.name", "StringLessThanPath": "$.other" }""", true)]
    [InlineData("""{ "Variable": "$.other", "StringGreaterThanPath": "$.name" }""", true)]
    [InlineData("""{ "Variable": "$.name", "StringLessThanEqualsPath": "$.name" }""", true)]
    [InlineData("""{ "Variable": "$.name", "StringGreaterThanEqualsPath": "$.other" }""", false)]
    public async Task StringComparison_EachOperator_ComparesOrdinally(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Theory]
    [InlineData("log-*.txt", "log-2024.txt", true)]
    [InlineData("log-*.txt", "log-.txt", true)]
    [InlineData("log-*.txt", "log-2024.txt.bak", false)]
    [InlineData("*a*b*", "xaxxbx", true)]
    [InlineData("*a*b*", "xbxa", false)]
    [InlineData(@"log-\\*.txt", "log-*.txt", true)]
    [InlineData(@"log-\\*.txt", "log-1.txt", false)]
    [InlineData(@"C:\\\\dir", @"C:\dir", true)]
    [InlineData("exact", "exact", true)]
    public async Task StringMatches_WildcardsAndEscapes_MatchAsDocumented(string pattern, string value, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(
            $$"""{ "Variable": "$.value", "StringMatches": "{{pattern}}" }""",
            $$"""{ "value": "{{value.Replace(@"\", @"\\", StringComparison.Ordinal)}}" }"""));

    [Theory]
    [InlineData("""{ "Variable": "$.count", "NumericEquals": 10 }""", true)]
    [InlineData("""{ "Variable": "$.count", "NumericEquals": 10.0 }""", true)]
    [InlineData("""{ "Variable": "$.big", "NumericEquals": 9007199254740992 }""", false)]
    [InlineData("""{ "Variable": "$.ratio", "NumericLessThan": 1 }""", true)]
    [InlineData("""{ "Variable": "$.ratio", "NumericGreaterThan": 0.5 }""", false)]
    [InlineData("""{ "Variable": "$.count", "NumericLessThanEquals": 10 }""", true)]
    [InlineData("""{ "Variable": "$.count", "NumericGreaterThanEquals": 11 }""", false)]
    [InlineData("""{ "Variable": "$.count", "NumericEqualsPath": "$.limit" }""", true)]
    [InlineData("""{ "Variable": "$.ratio", "NumericLessThanPath": "$.count" }""", true)]
    [InlineData("""{ "Variable": "$.ratio", "NumericGreaterThanPath": "$.count" }""", false)]
    [InlineData("""{ "Variable": "$.count", "NumericLessThanEqualsPath": "$.limit" }""", true)]
    [InlineData("""{ "Variable": "$.count", "NumericGreaterThanEqualsPath": "$.big" }""", false)]
    public async Task NumericComparison_EachOperator_ComparesExactly(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Theory]
    [InlineData("""{ "Variable": "$.flag", "BooleanEquals": true }""", true)]
    [InlineData("""{ "Variable": "$.flag", "BooleanEquals": false }""", false)]
    [InlineData("""{ "Variable": "$.flag", "BooleanEqualsPath": "$.yes" }""", true)]
    public async Task BooleanComparison_EachOperator_ComparesValues(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Theory]
    [InlineData("""{ "Variable": "$.when", "TimestampEquals": "2024-06-01T12:00:00Z" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampEqualsPath": "$.sameMoment" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampLessThan": "2024-06-01T12:00:00.001Z" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampGreaterThan": "2024-06-01T11:59:59Z" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampLessThanEquals": "2024-06-01T11:00:00Z" }""", false)]
    [InlineData("""{ "Variable": "$.when", "TimestampGreaterThanEquals": "2024-06-01T12:00:00Z" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampLessThanPath": "$.later" }""", true)]
    [InlineData("""{ "Variable": "$.later", "TimestampGreaterThanPath": "$.when" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampLessThanEqualsPath": "$.sameMoment" }""", true)]
    [InlineData("""{ "Variable": "$.when", "TimestampGreaterThanEqualsPath": "$.later" }""", false)]
    [InlineData("""{ "Variable": "$.notATime", "TimestampLessThan": "2030-01-01T00:00:00Z" }""", false)]
    public async Task TimestampComparison_EachOperator_ComparesInstants(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Theory]
    [InlineData("""{ "Variable": "$.nothing", "IsNull": true }""", true)]
    [InlineData("""{ "Variable": "$.name", "IsNull": true }""", false)]
    [InlineData("""{ "Variable": "$.missing", "IsPresent": false }""", true)]
    [InlineData("""{ "Variable": "$.nothing", "IsPresent": true }""", true)]
    [InlineData("""{ "Variable": "$.ratio", "IsNumeric": true }""", true)]
    [InlineData("""{ "Variable": "$.name", "IsNumeric": true }""", false)]
    [InlineData("""{ "Variable": "$.name", "IsString": true }""", true)]
    [InlineData("""{ "Variable": "$.count", "IsString": false }""", true)]
    [InlineData("""{ "Variable": "$.flag", "IsBoolean": true }""", true)]
    [InlineData("""{ "Variable": "$.name", "IsBoolean": true }""", false)]
    [InlineData("""{ "Variable": "$.sameMoment", "IsTimestamp": true }""", true)]
    [InlineData("""{ "Variable": "$.notATime", "IsTimestamp": true }""", false)]
    public async Task TypeTest_EachOperator_ChecksTheValueType(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Theory]
    [InlineData("""{ "Variable": "$.count", "StringEquals": "10" }""")]
    [InlineData("""{ "Variable": "$.name", "NumericGreaterThan": 0 }""")]
    [InlineData("""{ "Variable": "$.name", "BooleanEquals": true }""")]
    [InlineData("""{ "Variable": "$.count", "StringEqualsPath": "$.name" }""")]
    [InlineData("""{ "Variable": "$.nothing", "NumericLessThan": 5 }""")]
    public async Task Comparison_ValueOfAnotherType_IsFalse(string rule) =>
        Assert.False(await MatchesAsync(rule));

    [Theory]
    [InlineData("""{ "And": [ { "Variable": "$.flag", "BooleanEquals": true }, { "Variable": "$.count", "NumericEquals": 10 } ] }""", true)]
    [
        InlineData(
            """{ "And": [ { "Variable": "$.flag", "BooleanEquals": true }, { "Variable": "$.count", "NumericEquals": 11 } ] }""", false)]
    [InlineData("""{ "Or": [ { "Variable": "$.flag", "BooleanEquals": false }, { "Variable": "$.count", "NumericEquals": 10 } ] }""", true)]
    [
        InlineData(
            """{ "Or": [ { "Variable": "$.flag", "BooleanEquals": false }, { "Variable": "$.count", "NumericEquals": 11 } ] }""", false)]
    [InlineData("""{ "Not": { "Variable": "$.name", "StringEquals": "alpha" } }""", false)]
    [InlineData("""{ "Not": { "Variable": "$.missing", "IsPresent": true } }""", true)]
    [InlineData("""{ "And": [ { "Not": { "Variable": "$.nothing", "IsNull": false } }, { "Or": [ { "Variable": "$.name","""
        + """ "StringMatches": "al*" } ] } ] }""", true)]
    public async Task Combinators_NestedRules_CombineAsBooleanLogic(string rule, bool expected) =>
        Assert.Equal(expected, await MatchesAsync(rule));

    [Fact]
    public async Task Choice_FirstMatchingRuleWins_AndOutputPathShapesOutput()
    {
        await using var harness = EmulatorHarness.Create("""
            {
              "StartAt": "Route",
              "States": {
                "Route": {
                  "Type": "Choice", "InputPath": "$.order", "OutputPath": "$.id",
                  "Choices": [
                    { "Variable": "$.total", "NumericGreaterThan": 100, "Next": "Large" },
                    { "Variable": "$.total", "NumericGreaterThan": 10, "Next": "Medium" }
                  ],
                  "Default": "Small"
                },
                "Large": { "Type": "Pass", "Parameters": { "id.$": "$", "size": "large" }, "End": true },
                "Medium": { "Type": "Pass", "Parameters": { "id.$": "$", "size": "medium" }, "End": true },
                "Small": { "Type": "Succeed" }
              }
            }
            """);

        var execution = await harness.RunAsync("""{ "order": { "id": "o-9", "total": 500 } }""");

        JsonAssert.Equivalent("""{ "id": "o-9", "size": "large" }""", execution.Output);
    }

    [Fact]
    public async Task Choice_NoRuleMatchesAndNoDefault_FailsWithNoChoiceMatched()
    {
        await using var harness = EmulatorHarness.Create(
            ChoiceMachine("""{ "Variable": "$.name", "StringEquals": "zeta" }""", defaultTarget: null));

        var execution = await harness.RunAsync(Input);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal(StatesErrors.NoChoiceMatched, execution.Error);
    }

    [Fact]
    public async Task Choice_NoRuleMatches_TakesDefault()
    {
        Assert.False(await MatchesAsync("""{ "Variable": "$.name", "StringEquals": "zeta" }"""));
    }

    [Fact]
    public async Task Choice_MissingVariable_FailsWithStatesRuntime()
    {
        await using var harness = EmulatorHarness.Create(
            ChoiceMachine("""{ "Variable": "$.missing", "StringEquals": "x" }""", "Unmatched"));

        var execution = await harness.RunAsync(Input);

        Assert.Equal(StatesErrors.Runtime, execution.Error);
        Assert.Contains("Invalid path '$.missing'", execution.Cause);
    }
}
