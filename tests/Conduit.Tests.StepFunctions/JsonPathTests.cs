using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// The JSONPath operators Step Functions accepts in Paths (InputPath, OutputPath, the <c>.$</c> fields of payload
/// templates), and the Reference Path rule that keeps them out of ResultPath and Choice rules.
/// </summary>
public sealed class JsonPathTests
{
    // The store of the Jayway JsonPath README, whose results Step Functions' JSONPath follows.
    private const string Store = """
        { "store": {
            "book": [
              { "category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95 },
              { "category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99 },
              { "category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99 },
              { "category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8",
                "price": 22.99, "inStock": true }
            ],
            "bicycle": { "color": "red", "price": 19.95 } },
          "expensive": 10 }
        """;

    private static readonly HashSet<string> SupportedResources = [LambdaInvokeTaskInvoker.Resource];

    private static async Task<ExecutionDescription> RunPassAsync(string passFieldsJson, string input)
    {
        await using var harness = EmulatorHarness.Create(Definitions.SinglePass(passFieldsJson));
        return await harness.RunAsync(input);
    }

    private static async Task<string?> SelectAsync(string path, string input = Store)
    {
        var fields = new JsonObject { ["Parameters"] = new JsonObject { ["value.$"] = path } };
        var execution = await RunPassAsync(fields.ToJsonString(), input);
        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Status}: {execution.Error}: {execution.Cause}");
        return JsonNode.Parse(execution.Output!)!["value"]?.ToJsonString();
    }

    private static string LoadError(string aslJson) =>
        Assert.Throws<AslLoadException>(() => StateMachine.Load(aslJson, new Dictionary<string, string>(), SupportedResources)).Message;

    [Theory]
    [InlineData("$.store.book[*].author", """["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]""")]
    [InlineData("$..author", """["Nigel Rees","Evelyn Waugh","Herman Melville","J. R. R. Tolkien"]""")]
    [InlineData("$.store.bicycle.*", """["red",19.95]""")]
    [InlineData("$.store..price", "[8.95,12.99,8.99,22.99,19.95]")]
    [InlineData("$..book[2].title", """["Moby Dick"]""")]
    [InlineData("$..book[-1:].title", """["The Lord of the Rings"]""")]
    [InlineData("$.store.book[0,1].title", """["Sayings of the Century","Sword of Honour"]""")]
    [InlineData("$.store.book[:2].price", "[8.95,12.99]")]
    [InlineData("$.store.book[1:3].price", "[12.99,8.99]")]
    [InlineData("$.store.book[::2].price", "[8.95,8.99]")]
    [InlineData("$.store.book[?(@.isbn)].title", """["Moby Dick","The Lord of the Rings"]""")]
    [InlineData("$.store.book[?(@.price < 10)].price", "[8.95,8.99]")]
    [InlineData("$.store.book[?(@.price <= 8.99)].price", "[8.95,8.99]")]
    [InlineData("$.store.book[?(@.price > 20)].title", """["The Lord of the Rings"]""")]
    [InlineData("$.store.book[?(@.price >= 12.99)].price", "[12.99,22.99]")]
    [InlineData("$.store.book[?(@.category == 'reference')].author", """["Nigel Rees"]""")]
    [InlineData("$.store.book[?(@.category != 'fiction')].author", """["Nigel Rees"]""")]
    [InlineData("$.store.book[?(@.inStock == true)].author", """["J. R. R. Tolkien"]""")]
    [InlineData("$.store.book[?(@.price > 10 && @.category == \"fiction\")].price", "[12.99,22.99]")]
    [InlineData("$.store.book[?(@.price < 9 || @.inStock)].price", "[8.95,8.99,22.99]")]
    [InlineData("$.store.book[?(@.price > $.expensive)].price", "[12.99,22.99]")]
    [InlineData("$.store.book[?(@.price > 100)]", "[]")]
    [InlineData("$.store.book[*].missing", "[]")]
    [InlineData("$['store']['bicycle']['color']", "\"red\"")]
    [InlineData("$.store.book[-1].author", "\"J. R. R. Tolkien\"")]
    public async Task ParametersPath_JsonPathOperator_SelectsAsJayway(string path, string expected)
    {
        var value = await SelectAsync(path);

        JsonAssert.Equivalent(expected, value);
    }

    [Fact]
    public async Task ParametersPath_AwsFilterExample_SelectsMatchingObjects()
    {
        // The reference-path example of the AWS page "Using JSONPath paths" (amazon-states-language-paths).
        var value = await SelectAsync(
            "$.jar[?(@.a >= 5)]",
            """{ "foo": 123, "bar": ["a", "b", "c"], "car": { "cdr": true }, "jar": [{"a":1}, {"a":5}, {"a":2}, {"a":7}, {"a":3}] }""");

        JsonAssert.Equivalent("""[{"a": 5}, {"a": 7}]""", value);
    }

    [Fact]
    public async Task ParametersPath_AwsFlattenArrayExample_FlattensArrayOfArrays()
    {
        // "Flattening an array of arrays" on the AWS page "Using JSONPath paths": "flattenArray.$": "$[*][*]".
        var execution = await RunPassAsync("""{ "Parameters": { "flattenArray.$": "$[*][*]" } }""", "[[1, 2, 3], [4, 5, 6]]");

        JsonAssert.Equivalent("""{ "flattenArray": [1, 2, 3, 4, 5, 6] }""", execution.Output);
    }

    [Fact]
    public async Task InputPath_Wildcard_GivesTheArrayOfMatches()
    {
        var execution = await RunPassAsync("""{ "InputPath": "$.store.book[?(@.price < 9)].title" }""", Store);

        JsonAssert.Equivalent("""["Sayings of the Century", "Moby Dick"]""", execution.Output);
    }

    [Fact]
    public async Task OutputPath_Wildcard_GivesTheArrayOfMatches()
    {
        var execution = await RunPassAsync("""{ "OutputPath": "$.store.bicycle.*" }""", Store);

        JsonAssert.Equivalent("""["red", 19.95]""", execution.Output);
    }

    [Fact]
    public async Task ParametersPath_ContextObjectWildcard_ReadsTheContextObject()
    {
        var value = await SelectAsync("$$.StateMachine.*", "{}");

        JsonAssert.Equivalent($"""["{EmulatorHarness.StateMachineArn}", "test-machine"]""", value);
    }

    [Fact]
    public async Task ParametersPath_DefinitePathSelectingNothing_StillFailsWithRuntimeError()
    {
        var execution = await RunPassAsync("""{ "Parameters": { "value.$": "$.store.book[-9].title" } }""", Store);

        Assert.Equal("States.Runtime", execution.Error);
    }

    [Theory]
    [InlineData("$.items[*]")]
    [InlineData("$..name")]
    [InlineData("$.items[?(@.x)]")]
    [InlineData("$.items[0:2]")]
    [InlineData("$.items[0,1]")]
    public void Load_IndefiniteResultPath_IsRefusedAsNotAReferencePath(string path)
    {
        var message = LoadError(Definitions.SinglePass($$"""{ "ResultPath": "{{path}}" }"""));

        Assert.StartsWith($"State \"Shape\" field \"ResultPath\" has \"{path}\", which is not a reference path", message);
    }

    [Theory]
    [InlineData("Variable")]
    [InlineData("NumericEqualsPath")]
    public void Load_IndefinitePathInChoiceRule_IsRefusedAsNotAReferencePath(string field)
    {
        var rule = field == "Variable"
            ? """{ "Variable": "$.items[*].x", "NumericEquals": 1, "Next": "Done" }"""
            : """{ "Variable": "$.x", "NumericEqualsPath": "$.items[*].x", "Next": "Done" }""";

        var message = LoadError($$"""
            { "StartAt": "Route", "States": { "Route": { "Type": "Choice", "Choices": [ {{rule}} ] }, "Done": { "Type": "Succeed" } } }
            """);

        Assert.StartsWith($"State \"Route\" Choices[0] field \"{field}\" has \"$.items[*].x\", which is not a reference path", message);
    }

    [Fact]
    public void Load_FilterNestedAHundredThousandDeep_IsRefusedWithoutExhaustingTheStack()
    {
        var path = $"$.a[?({new string('(', 100_000)}@.x{new string(')', 100_000)})]";

        var message = LoadError(Definitions.SinglePass(new JsonObject { ["InputPath"] = path }.ToJsonString()));

        Assert.Contains("filters nest more than 16 deep", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$.a[?(@.x >)]", "expected a number, a quoted string, true, false, null or a path")]
    [InlineData("$.a[", "unterminated \"[\"")]
    [InlineData("$.a[1:2:0]", "a slice step cannot be 0")]
    [InlineData("$..", "\"..\" must be followed by a name")]
    [InlineData("$.a[?(@.x == 1]", "expected \")\"")]
    public void Load_MalformedPath_IsRefusedNamingStateAndField(string path, string expectedProblem)
    {
        var message = LoadError(Definitions.SinglePass($$"""{ "Parameters": { "value.$": "{{path}}" } }"""));

        Assert.StartsWith($"State \"Shape\" Parameters field \"value.$\" has \"{path}\", which is not a path", message);
        Assert.Contains(expectedProblem, message, StringComparison.Ordinal);
    }
}
