using System.Text.Json.Nodes;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// Intrinsic functions, each checked against the example and expected output of the AWS page "Intrinsic functions for
/// JSONPath states in Step Functions" (docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
/// </summary>
public sealed class IntrinsicFunctionTests
{
    private const string NineNumbers = """{ "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9] }""";

    private static readonly HashSet<string> SupportedResources = [LambdaInvokeTaskInvoker.Resource];

    /// <summary>Runs a Pass state whose Parameters set "value.$" to <paramref name="expression"/>.</summary>
    private static async Task<ExecutionDescription> RunAsync(string expression, string input)
    {
        var parameters = new JsonObject { ["value.$"] = expression };
        var definition = Definitions.SinglePass(new JsonObject { ["Parameters"] = parameters }.ToJsonString());
        await using var harness = EmulatorHarness.Create(definition);
        return await harness.RunAsync(input);
    }

    private static async Task<string> EvaluateAsync(string expression, string input = "{}")
    {
        var execution = await RunAsync(expression, input);
        Assert.True(execution.Status == ExecutionStatus.Succeeded, $"{execution.Status}: {execution.Error}: {execution.Cause}");
        return JsonNode.Parse(execution.Output!)!["value"]?.ToJsonString() ?? "null";
    }

    private static string LoadError(string expression) =>
        Assert.Throws<AslLoadException>(() => StateMachine.Load(
            Definitions.SinglePass(new JsonObject { ["Parameters"] = new JsonObject { ["value.$"] = expression } }.ToJsonString()),
            new Dictionary<string, string>(),
            SupportedResources)).Message;

    [Theory]
    [InlineData("States.Format('Hello, my name is {}.', $.name)", """{ "name": "Arnav" }""", "\"Hello, my name is Arnav.\"")]
    [
        InlineData(
            "States.Format($.template, $.name)", """{ "name": "Arnav", "template": "Hello, my name is {}." }""",
            "\"Hello, my name is Arnav.\"")]
    [InlineData("States.StringToJson($.escapedJsonString)", """{ "escapedJsonString": "{\"foo\": \"bar\"}" }""", """{"foo":"bar"}""")]
    [InlineData("States.JsonToString($.unescapedJson)", """{ "unescapedJson": { "foo": "bar" } }""", "\"{\\\"foo\\\":\\\"bar\\\"}\"")]
    [InlineData("States.Array($.Id)", """{ "Id": 123456 }""", "[123456]")]
    [InlineData("States.ArrayPartition($.inputArray,4)", NineNumbers, "[[1,2,3,4],[5,6,7,8],[9]]")]
    [
        InlineData(
            "States.ArrayContains($.inputArray, $.lookingFor)", """{ "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5 }""",
            "true")]
    [InlineData("States.ArrayRange(1, 9, 2)", "{}", "[1,3,5,7,9]")]
    [
        InlineData(
            "States.ArrayGetItem($.inputArray, $.index)", """{ "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5 }""", "6")]
    [InlineData("States.ArrayLength($.inputArray)", NineNumbers, "9")]
    [InlineData("States.ArrayUnique($.inputArray)", """{ "inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4] }""", "[1,2,3,4]")]
    [InlineData("States.Base64Encode($.input)", """{ "input": "Data to encode" }""", "\"RGF0YSB0byBlbmNvZGU=\"")]
    [InlineData("States.Base64Decode($.base64)", """{ "base64": "RGF0YSB0byBlbmNvZGU=" }""", "\"Data to encode\"")]
    [
        InlineData(
            "States.Hash($.Data, $.Algorithm)", """{ "Data": "input data", "Algorithm": "SHA-1" }""",
            "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"")]
    [
        InlineData(
            "States.JsonMerge($.json1, $.json2, false)",
            """{ "json1": { "a": { "a1": 1, "a2": 2 }, "b": 2 }, "json2": { "a": { "a3": 1, "a4": 2 }, "c": 3 } }""",
            """{"a":{"a3":1,"a4":2},"b":2,"c":3}""")]
    [InlineData("States.MathAdd($.value1, $.step)", """{ "value1": 111, "step": -1 }""", "110")]
    [
        InlineData(
            "States.StringSplit($.inputString, $.splitter)", """{ "inputString": "1,2,3,4,5", "splitter": "," }""",
            """["1","2","3","4","5"]""")]
    [
        InlineData(
            "States.StringSplit($.inputString, $.splitter)", """{ "inputString": "This.is+a,test=string", "splitter": ".+,=" }""",
            """["This","is","a","test","string"]""")]
    public async Task Intrinsic_AwsDocumentationExample_GivesTheDocumentedOutput(string expression, string input, string expected)
    {
        var value = await EvaluateAsync(expression, input);

        JsonAssert.Equivalent(expected, value);
    }

    [Theory]
    [InlineData("MD5", "812f45842bc6d66ee14572ce20db8e86")]
    [InlineData("SHA-256", "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")]
    [
        InlineData(
            "SHA-384", "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562")]
    [
        InlineData(
            "SHA-512",
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4"
            + "ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4")]
    public async Task Hash_EachAlgorithm_GivesLowercaseHexDigest(string algorithm, string expectedDigest)
    {
        var value = await EvaluateAsync($"States.Hash('input data', '{algorithm}')");

        Assert.Equal($"\"{expectedDigest}\"", value);
    }

    [Fact]
    public async Task Format_EscapedReservedCharacters_AppearLiterally()
    {
        var value = await EvaluateAsync(@"States.Format('{} \{literal\} \'quoted\' back\\slash', $.name)", """{ "name": "Arnav" }""");

        JsonAssert.Equivalent("\"Arnav {literal} 'quoted' back\\\\slash\"", value);
    }

    [Fact]
    public async Task Format_NonStringValues_AreWrittenAsJson()
    {
        var value = await EvaluateAsync("States.Format('{} {} {} {}', 42, true, null, $.list)", """{ "list": [1, "a"] }""");

        JsonAssert.Equivalent("\"42 true null [1,\\\"a\\\"]\"", value);
    }

    [Fact]
    public async Task Format_ContextObjectPath_ReadsTheExecutionName()
    {
        var value = await EvaluateAsync("States.Format('run {}', $$.Execution.Name)");

        Assert.Equal("\"run execution-1\"", value);
    }

    [Fact]
    public async Task NestedCalls_ArnPiecesExample_AreEvaluatedInsideOut()
    {
        // The AWS page's nine-function example, with a template of as many {} as it passes values.
        const string Expression =
            "States.Format('{}.{}', "
            + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
            + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";

        var value = await EvaluateAsync(
            Expression, """{ "ImageRecipe": { "Arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/2.5.1" } }""");

        Assert.Equal("\"2.5\"", value);
    }

    [Fact]
    public async Task MathRandom_SameSeed_GivesTheSameNumberWithinRange()
    {
        var first = int.Parse(await EvaluateAsync("States.MathRandom($.start, $.end, 7)", """{ "start": 1, "end": 999 }"""));
        var second = int.Parse(await EvaluateAsync("States.MathRandom($.start, $.end, 7)", """{ "start": 1, "end": 999 }"""));

        Assert.Equal(first, second);
        Assert.InRange(first, 1, 998);
    }

    [Fact]
    public async Task MathRandom_WithoutSeed_StaysWithinRange()
    {
        var value = int.Parse(await EvaluateAsync("States.MathRandom(5, 6)"));

        Assert.Equal(5, value);
    }

    [Fact]
    public async Task Uuid_GivesAVersion4Uuid()
    {
        var value = JsonNode.Parse(await EvaluateAsync("States.UUID()"))!.GetValue<string>();

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", value);
    }

    [Theory]
    [InlineData("States.ArrayRange(9, 1, -3)", "[9,6,3]")]
    [InlineData("States.ArrayRange(1, 1000, 1)", null)]
    [InlineData("States.Array()", "[]")]
    [InlineData("States.Array('a', 1, $.o)", """["a",1,{"k":"v"}]""")]
    [InlineData("States.ArrayContains($.objects, $.o)", "true")]
    [InlineData("States.ArrayUnique($.objects)", """[{"k":"v"},{"k":"w"}]""")]
    [InlineData("States.MathAdd(States.ArrayLength($.objects), -10)", "-7")]
    [InlineData("States.StringSplit('a,,b', ',')", """["a","b"]""")]
    [InlineData("States.ArrayLength($.objects[*].k)", "3")]
    public async Task Intrinsic_FurtherArguments_GiveExpectedValue(string expression, string? expected)
    {
        var value = await EvaluateAsync(expression, """{ "o": { "k": "v" }, "objects": [ { "k": "v" }, { "k": "w" }, { "k": "v" } ] }""");

        if (expected is null) Assert.Equal(1000, JsonNode.Parse(value)!.AsArray().Count);
        else JsonAssert.Equivalent(expected, value);
    }

    [Theory]
    [InlineData("States.ArrayGetItem($.inputArray, 12)", NineNumbers, "the index 12 is outside the array")]
    [InlineData("States.ArrayRange(1, 1001, 1)", "{}", "the range would have 1001 items; the most it can have is 1000")]
    [InlineData("States.ArrayPartition($.inputArray, 0)", NineNumbers, "the chunk size must be a positive integer")]
    [InlineData("States.MathAdd($.inputArray, 1)", NineNumbers, "argument 1 must be an integer")]
    [InlineData("States.MathAdd(2147483647, 1)", "{}", "outside the integer range")]
    [InlineData("States.MathRandom(5, 5)", "{}", "the start (5) must be less than the end (5)")]
    [InlineData("States.StringToJson($.text)", """{ "text": "{not json" }""", "the string is not JSON text")]
    [InlineData("States.Base64Decode($.text)", """{ "text": "%%%" }""", "not base64")]
    [InlineData("States.Hash($.text, 'SHA-2')", """{ "text": "x" }""", "it must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512")]
    [InlineData("States.JsonMerge($.a, $.a, true)", """{ "a": {} }""", "deep merge")]
    [InlineData("States.Format($.template, 1)", """{ "template": "{} and {}" }""", "the template has 2 {} placeholder(s) but 1 value(s)")]
    public async Task Intrinsic_BadArgumentAtRunTime_FailsWithIntrinsicFailure(string expression, string input, string expectedCause)
    {
        var execution = await RunAsync(expression, input);

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("States.IntrinsicFailure", execution.Error);
        Assert.Contains(expectedCause, execution.Cause, StringComparison.Ordinal);
        Assert.Contains("in the field 'value.$'", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Base64Encode_InputOverTenThousandCharacters_FailsWithIntrinsicFailure()
    {
        var execution = await RunAsync("States.Base64Encode($.text)", new JsonObject { ["text"] = new string('a', 10_001) }.ToJsonString());

        Assert.Equal("States.IntrinsicFailure", execution.Error);
        Assert.Contains("the input has 10001 characters; the most it can have is 10000", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Array_ArgumentsTogetherOverThePayloadQuota_FailWithDataLimitExceeded()
    {
        var expression = $"States.ArrayLength(States.Array({string.Join(", ", Enumerable.Repeat("$.text", 30))}))";

        var execution = await RunAsync(expression, new JsonObject { ["text"] = new string('a', 10_000) }.ToJsonString());

        Assert.Equal("States.DataLimitExceeded", execution.Error);
        Assert.Contains("The arguments of States.Array in the field 'value.$' are more than the 262144-byte limit", execution.Cause,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intrinsic_MissingPathArgument_FailsWithRuntimeError()
    {
        var execution = await RunAsync("States.ArrayLength($.absent)", "{}");

        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("'$.absent'", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntrinsicFailureInTaskParameters_IsCaughtByStatesAll()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(
            """
            { "Parameters": { "FunctionName": "f", "Payload": { "item.$": "States.ArrayGetItem($.items, 3)" } },
              "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled" } ] }
            """,
            """{ "Handled": { "Type": "Pass", "End": true } }"""));

        var execution = await harness.RunAsync("""{ "items": [] }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        Assert.Equal("States.IntrinsicFailure", JsonNode.Parse(execution.Output!)!["error"]!["Error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResultSelector_Intrinsic_ShapesTheTaskResult()
    {
        await using var harness = EmulatorHarness.Create(Definitions.SingleTask(
            """
            { "Parameters": { "FunctionName": "f", "Payload": { "words": "one two three" } },
              "ResultSelector": { "count.$": "States.ArrayLength(States.StringSplit($.Payload.words, ' '))" } }
            """));

        var execution = await harness.RunAsync();

        JsonAssert.Equivalent("""{ "count": 3 }""", execution.Output);
    }

    [Fact]
    public async Task FailState_IntrinsicsInErrorPathAndCausePath_GiveTheErrorAndCause()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail",
                "ErrorPath": "States.Format('{}.Failed', $.kind)",
                "CausePath": "States.Format('Order {} failed: {}', $.id, States.JsonToString($.detail))" } } }
            """);

        var execution = await harness.RunAsync("""{ "kind": "Payment", "id": "o-1", "detail": { "code": 402 } }""");

        Assert.Equal(ExecutionStatus.Failed, execution.Status);
        Assert.Equal("Payment.Failed", execution.Error);
        Assert.Equal("Order o-1 failed: {\"code\":402}", execution.Cause);
    }

    [Fact]
    public async Task FailState_ArrayGetItemOfANumberInCausePath_FailsWithRuntimeError()
    {
        await using var harness = EmulatorHarness.Create("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail", "Error": "E", "CausePath": "States.ArrayGetItem($.codes, 0)" } } }
            """);

        var execution = await harness.RunAsync("""{ "codes": [402] }""");

        Assert.Equal("States.Runtime", execution.Error);
        Assert.Contains("The value States.ArrayGetItem gives for CausePath is not a string.", execution.Cause, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("States.Nope($.a)", "\"States.Nope\" is not an intrinsic function")]
    [InlineData("States.ArrayLength($.a, $.b)", "States.ArrayLength takes 1 argument, but is given 2")]
    [InlineData("States.MathRandom(1)", "States.MathRandom takes 2 to 3 arguments, but is given 1")]
    [InlineData("States.UUID(1)", "States.UUID takes 0 arguments, but is given 1")]
    [InlineData("States.ArrayRange('1', 9, 2)", "argument 1 of States.ArrayRange must be an integer")]
    [InlineData("States.ArrayRange(1.5, 9, 2)", "argument 1 of States.ArrayRange must be an integer")]
    [InlineData("States.ArrayLength('abc')", "argument 1 of States.ArrayLength must be an array")]
    [InlineData("States.Format('{} {}', $.a)", "the States.Format template has 2 {} placeholder(s) but 1 value(s) follow it")]
    [InlineData("States.Format('unterminated)", "a string literal has no closing quote")]
    [InlineData(@"States.Format('bad \n escape')", "a backslash in a string literal must escape")]
    [InlineData("States.ArrayLength($.a", "States.ArrayLength has no closing parenthesis")]
    [InlineData("States.ArrayLength($.a) extra", "unexpected text after the closing parenthesis")]
    [InlineData("States.ArrayLength($.a[?(@.x >)])", "is not a valid path")]
    [InlineData("States.ArrayLength(nope)", "expected a string in single quotes, a number, true, false, null, a path or States.*")]
    public void Load_MalformedCall_IsRefusedNamingStateAndField(string expression, string expectedProblem)
    {
        var message = LoadError(expression);

        Assert.StartsWith(
            $"State \"Shape\" Parameters field \"value.$\" has an invalid intrinsic function call \"{expression}\": ", message);
        Assert.Contains(expectedProblem, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MoreThanTenCallsInAField_IsRefused()
    {
        var expression = string.Concat(Enumerable.Repeat("States.Array(", 11)) + new string(')', 11);

        var message = LoadError(expression);

        Assert.Contains("it holds more than 10 intrinsic functions; a field may hold at most 10", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CallsNestedAHundredThousandDeep_AreRefusedWithoutExhaustingTheStack()
    {
        var expression = string.Concat(Enumerable.Repeat("States.Array(", 100_000)) + new string(')', 100_000);

        var message = LoadError(expression);

        Assert.Contains("a field may hold at most 10", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_TenCallsInAField_Runs()
    {
        var value = await EvaluateAsync(string.Concat(Enumerable.Repeat("States.Array(", 10)) + new string(')', 10));

        Assert.Equal("[[[[[[[[[[]]]]]]]]]]", value);
    }
}
