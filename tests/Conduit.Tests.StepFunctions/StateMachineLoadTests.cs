using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class StateMachineLoadTests
{
    private static readonly HashSet<string> SupportedResources = [LambdaInvokeTaskInvoker.Resource];

    private static StateMachine Load(string aslJson, IReadOnlyDictionary<string, string>? substitutions = null) =>
        StateMachine.Load(aslJson, substitutions ?? new Dictionary<string, string>(), SupportedResources);

    private static string LoadError(string aslJson, IReadOnlyDictionary<string, string>? substitutions = null) =>
        Assert.Throws<AslLoadException>(() => Load(aslJson, substitutions)).Message;

    [Fact]
    public void Load_SupportedDefinition_ExposesStartAtStatesAndTimeout()
    {
        var machine = Load($$"""
            {
              "Comment": "every supported state type",
              "QueryLanguage": "JSONPath",
              "Version": "1.0",
              "TimeoutSeconds": 300,
              "StartAt": "Ask",
              "States": {
                "Ask": {
                  "Type": "Task", "Resource": "{{LambdaInvokeTaskInvoker.Resource}}", "TimeoutSeconds": 30,
                  "Parameters": { "FunctionName": "f", "Payload.$": "$" },
                  "ResultSelector": { "answer.$": "$.Payload" }, "ResultPath": "$.result", "OutputPath": "$",
                  "Retry": [ { "ErrorEquals": ["Throttled"], "IntervalSeconds": 2, "MaxAttempts": 4, "BackoffRate": 1.5,
                               "MaxDelaySeconds": 10, "JitterStrategy": "FULL" } ],
                  "Catch": [ { "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed" } ],
                  "Next": "Route"
                },
                "Route": {
                  "Type": "Choice",
                  "Choices": [ { "Variable": "$.result.answer", "IsPresent": true, "Next": "Done" } ],
                  "Default": "Shape"
                },
                "Shape": { "Type": "Pass", "Result": { "ok": true }, "ResultPath": "$.shape", "Next": "Done" },
                "Done": { "Type": "Succeed" },
                "Failed": { "Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause" }
              }
            }
            """);

        Assert.Equal("Ask", machine.StartAt);
        Assert.Equal(300, machine.TimeoutSeconds);
        Assert.Equal(["Ask", "Route", "Shape", "Done", "Failed"], machine.StateNames);
    }

    [Fact]
    public void Load_UnknownStateType_NamesStateAndType()
    {
        var message = LoadError("""{ "StartAt": "Fan", "States": { "Fan": { "Type": "Loop", "End": true } } }""");

        Assert.Equal("State \"Fan\" has unknown type \"Loop\"", message);
    }

    [Theory]
    [InlineData("Arguments", "{}")]
    [InlineData("Output", "{}")]
    [InlineData("Credentials", "{}")]
    public void Load_UnsupportedTaskField_NamesFieldAndState(string field, string value)
    {
        var message = LoadError(Definitions.SingleTask($$"""{ "{{field}}": {{value}} }"""));

        Assert.Equal($"State \"Work\" uses field \"{field}\", which the local interpreter does not support on a Task state", message);
    }

    [Fact]
    public void Load_FieldOfAnotherStateType_NamesFieldAndState()
    {
        var message = LoadError(Definitions.SinglePass("""{ "ItemProcessor": {} }"""));

        Assert.Contains("State \"Shape\" uses field \"ItemProcessor\"", message);
    }

    [Fact]
    public void Load_JsonataQueryLanguage_IsUnsupported()
    {
        var message = LoadError("""
            { "QueryLanguage": "JSONata", "StartAt": "A", "States": { "A": { "Type": "Succeed" } } }
            """);

        Assert.Equal("The state machine uses query language \"JSONata\", which the local interpreter does not support", message);
    }

    [Fact]
    public void Load_StateLevelJsonata_NamesState()
    {
        var message = LoadError("""{ "StartAt": "A", "States": { "A": { "Type": "Succeed", "QueryLanguage": "JSONata" } } }""");

        Assert.StartsWith("State \"A\" uses query language \"JSONata\"", message);
    }

    [Fact]
    public void Load_UnknownTopLevelField_NamesIt()
    {
        var message = LoadError("""{ "StartAt": "A", "Extra": 1, "States": { "A": { "Type": "Succeed" } } }""");

        Assert.Equal("The state machine uses field \"Extra\", which the local interpreter does not support", message);
    }

    [Fact]
    public void Load_UnsupportedResource_NamesResourceAndState()
    {
        var message = LoadError("""
            { "StartAt": "Send", "States": { "Send": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true } } }
            """);

        Assert.StartsWith(
            "State \"Send\" uses resource \"arn:aws:states:::sns:publish\", which the local interpreter does not support; supported: ",
            message);
    }

    [Theory]
    [InlineData("""{ "Parameters": { "FunctionName": "f", "Message.$": "States.Format('Hi {}', $.name)" } }""")]
    [InlineData("""{ "Parameters": { "FunctionName": "f", "Nested": [ { "Data.$": "States.StringToJson($.raw)" } ] } }""")]
    [InlineData("""{ "ResultSelector": { "Id.$": "States.UUID()" } }""")]
    public void Load_IntrinsicFunctionInPayloadTemplate_Loads(string taskFields)
    {
        var machine = Load(Definitions.SingleTask(taskFields));

        Assert.Equal(["Work"], machine.StateNames);
    }

    [Fact]
    public void Load_IntrinsicFunctionNotReturningTextInFailCausePath_NamesFunctionAndTheAllowedOnes()
    {
        var message = LoadError("""
            { "StartAt": "Stop", "States": { "Stop": { "Type": "Fail", "CausePath": "States.Array($.detail)" } } }
            """);

        Assert.Equal(
            "State \"Stop\" field \"CausePath\" uses intrinsic function \"States.Array\", which does not return a string; CausePath allows "
            + "States.ArrayGetItem, States.Base64Decode, States.Base64Encode, States.Format, States.Hash, States.JsonToString, States.UUID",
            message);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("$.a b")]
    public void Load_InputPathOutsidePathSyntax_IsRejected(string path)
    {
        var message = LoadError(Definitions.SinglePass($$"""{ "InputPath": "{{path}}" }"""));

        Assert.StartsWith($"State \"Shape\" field \"InputPath\" has \"{path}\", which is not a path", message);
    }

    [Theory]
    [InlineData("InputPath", "$..name")]
    [InlineData("InputPath", "$.items[*]")]
    [InlineData("OutputPath", "$.items[?(@.x)]")]
    [InlineData("OutputPath", "$.items[0:2]")]
    public void Load_IndefinitePathInInputOrOutputPath_Loads(string field, string path)
    {
        var machine = Load(Definitions.SinglePass($$"""{ "{{field}}": "{{path}}" }"""));

        Assert.Equal(["Shape"], machine.StateNames);
    }

    [Fact]
    public void Load_ResultPathIntoContextObject_IsRejected()
    {
        var message = LoadError(Definitions.SinglePass("""{ "ResultPath": "$$.Execution" }"""));

        Assert.Contains("\"ResultPath\" must point into the state's data", message);
    }

    [Fact]
    public async Task Load_PlaceholderWithSubstitution_IsReplacedInStringValues()
    {
        await using var harness = EmulatorHarness.Create(
            Definitions.SinglePass("""{ "Result": { "function": "${AskFunctionArn}", "label": "v${Version}-${Version}", "count": 3 } }"""),
            substitutions: new Dictionary<string, string>
            {
                ["AskFunctionArn"] = "arn:aws:lambda:local:000000000000:function:ask", ["Version"] = "2",
            });

        var execution = await harness.RunAsync();

        JsonAssert.Equivalent(
            """{ "function": "arn:aws:lambda:local:000000000000:function:ask", "label": "v2-2", "count": 3 }""", execution.Output);
    }

    [Fact]
    public void Load_PlaceholderWithoutSubstitution_NamesPlaceholder()
    {
        var message = LoadError(Definitions.SingleTask("""{ "Parameters": { "FunctionName": "${AskFunctionArn}" } }"""));

        Assert.Equal("The definition uses placeholder \"${AskFunctionArn}\", which has no substitution", message);
    }

    [Fact]
    public void Load_SeveralUnboundPlaceholders_NamesAll()
    {
        var message = LoadError(Definitions.SinglePass("""{ "Result": ["${B}", "${A}", "${B}"] }"""));

        Assert.Equal("The definition uses placeholders \"${A}\", \"${B}\", which have no substitutions", message);
    }

    [Fact]
    public void Load_StartAtWithoutState_IsRejected()
    {
        var message = LoadError("""{ "StartAt": "Missing", "States": { "A": { "Type": "Succeed" } } }""");

        Assert.Equal("StartAt \"Missing\" is not a state in States", message);
    }

    [Theory]
    [InlineData("""{ "Next": "Nowhere" }""", "Next")]
    [InlineData("""{ "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Nowhere" } ] }""", "Catch[0].Next")]
    public void Load_TransitionToMissingState_NamesFieldAndTarget(string taskFields, string field)
    {
        var message = LoadError(Definitions.SingleTask(taskFields));

        Assert.Equal($"State \"Work\" field \"{field}\" names \"Nowhere\", which is not a state in States", message);
    }

    [Fact]
    public void Load_ChoiceDefaultToMissingState_IsRejected()
    {
        var message = LoadError("""
            { "StartAt": "Route", "States": {
                "Route": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "IsNull": true, "Next": "End" } ], "Default": "Gone" },
                "End": { "Type": "Succeed" } } }
            """);

        Assert.Equal("State \"Route\" field \"Default\" names \"Gone\", which is not a state in States", message);
    }

    [Fact]
    public void Load_StateWithNeitherNextNorEnd_IsRejected()
    {
        var message = LoadError("""{ "StartAt": "A", "States": { "A": { "Type": "Pass" } } }""");

        Assert.Equal("State \"A\" has neither \"Next\" nor \"End\": true", message);
    }

    [Theory]
    [
        InlineData(
            "Retry", """[ { "ErrorEquals": ["States.ALL", "Boom"] } ]""", "State \"Work\" Retry[0] lists \"States.ALL\" with other errors")]
    [
        InlineData(
            "Retry", """[ { "ErrorEquals": ["States.ALL"] }, { "ErrorEquals": ["Boom"] } ]""",
            "State \"Work\" Retry[0] uses \"States.ALL\" but is not the last")]
    [
        InlineData(
            "Catch", """[ { "ErrorEquals": ["States.ALL"], "Next": "Work" }, { "ErrorEquals": ["Boom"], "Next": "Work" } ]""",
            "State \"Work\" Catch[0] uses \"States.ALL\" but is not the last")]
    public void Load_StatesAllMisplaced_IsRejected(string field, string handlers, string expectedStart)
    {
        var message = LoadError(Definitions.SingleTask($$"""{ "{{field}}": {{handlers}} }"""));

        Assert.StartsWith(expectedStart, message);
    }

    [Theory]
    [InlineData("""{ "ErrorEquals": ["Boom"], "BackoffRate": 0.5 }""", "\"BackoffRate\" must be a number of at least 1")]
    [InlineData("""{ "ErrorEquals": ["Boom"], "MaxAttempts": -1 }""", "\"MaxAttempts\" must be an integer from 0")]
    [InlineData("""{ "ErrorEquals": ["Boom"], "JitterStrategy": "HALF" }""", "\"JitterStrategy\" is \"HALF\"")]
    [InlineData("""{ "ErrorEquals": [] }""", "\"ErrorEquals\" must be a non-empty array")]
    public void Load_InvalidRetrier_NamesRetrierAndField(string retrier, string expectedFragment)
    {
        var message = LoadError(Definitions.SingleTask($$"""{ "Retry": [ {{retrier}} ] }"""));

        Assert.StartsWith("State \"Work\" Retry[0]", message);
        Assert.Contains(expectedFragment, message);
    }

    [Theory]
    [
        InlineData(
            """{ "Variable": "$.a", "StringEquals": "x", "IsNull": true, "Next": "End" }""", "must have exactly one comparison operator")]
    [InlineData("""{ "Variable": "$.a", "NumericEquals": "1", "Next": "End" }""", "\"NumericEquals\" must be a number")]
    [
        InlineData(
            """{ "Variable": "$.a", "TimestampEquals": "2024-01-01", "Next": "End" }""",
            "\"TimestampEquals\" must be an RFC 3339 timestamp")]
    [InlineData("""{ "Variable": "$.a", "StringMatches": "a\\b", "Next": "End" }""", "invalid pattern")]
    [InlineData("""{ "Variable": "$.a", "StringEquals": "x" }""", "missing the required field \"Next\"")]
    [InlineData("""{ "Not": { "Variable": "$.a", "IsNull": true, "Next": "End" }, "Next": "End" }""", "uses field \"Next\"")]
    [InlineData("""{ "Condition": "{% true %}", "Next": "End" }""", "uses field \"Condition\"")]
    public void Load_InvalidChoiceRule_IsRejected(string rule, string expectedFragment)
    {
        var message = LoadError($$"""
            { "StartAt": "Route", "States": {
                "Route": { "Type": "Choice", "Choices": [ {{rule}} ] },
                "End": { "Type": "Succeed" } } }
            """);

        Assert.StartsWith("State \"Route\" Choices[0]", message);
        Assert.Contains(expectedFragment, message);
    }

    [Fact]
    public void Load_FailWithErrorAndErrorPath_IsRejected()
    {
        var message = LoadError("""{ "StartAt": "F", "States": { "F": { "Type": "Fail", "Error": "E", "ErrorPath": "$.e" } } }""");

        Assert.Equal("State \"F\" has both \"Error\" and \"ErrorPath\"; use one", message);
    }

    [Fact]
    public void Load_UnreachableState_NamesIt()
    {
        var message = LoadError("""
            { "StartAt": "A", "States": { "A": { "Type": "Pass", "End": true }, "Orphan": { "Type": "Pass", "End": true } } }
            """);

        Assert.Equal("State \"Orphan\" is not reachable: no transition from StartAt \"A\" leads to it", message);
    }

    [Fact]
    public void Load_UnreachableCycle_NamesItsFirstState()
    {
        var message = LoadError("""
            { "StartAt": "A", "States": {
                "A": { "Type": "Succeed" },
                "Ping": { "Type": "Pass", "Next": "Pong" },
                "Pong": { "Type": "Pass", "Next": "Ping" } } }
            """);

        Assert.Equal("State \"Ping\" is not reachable: no transition from StartAt \"A\" leads to it", message);
    }

    [Fact]
    public void Load_StatesReachedOnlyThroughCatchChoicesAndDefault_Load()
    {
        var machine = Load(Definitions.SingleTask(
            """{ "Catch": [ { "ErrorEquals": ["States.ALL"], "Next": "Route" } ] }""",
            """
            { "Route": { "Type": "Choice", "Choices": [ { "Variable": "$.a", "IsNull": true, "Next": "Yes" } ], "Default": "No" },
              "Yes": { "Type": "Succeed" }, "No": { "Type": "Fail", "Error": "E" } }
            """));

        Assert.Equal(["Work", "Route", "Yes", "No"], machine.StateNames);
    }

    [Fact]
    public void Load_StateNameOfMoreThan80Characters_IsRejected()
    {
        var name = new string('n', 81);

        var message = LoadError($$"""{ "StartAt": "{{name}}", "States": { "{{name}}": { "Type": "Succeed" } } }""");

        Assert.Equal($"State \"{name}\" has a name of 81 characters; a state name must have 1 to 80", message);
    }

    [Fact]
    public void Load_StateNameOf80Characters_Loads()
    {
        var name = new string('n', 80);

        var machine = Load($$"""{ "StartAt": "{{name}}", "States": { "{{name}}": { "Type": "Succeed" } } }""");

        Assert.Equal([name], machine.StateNames);
    }

    [Fact]
    public void Load_StateWithNextAndEnd_IsRejected()
    {
        var message = LoadError("""
            { "StartAt": "A", "States": { "A": { "Type": "Pass", "Next": "B", "End": true }, "B": { "Type": "Succeed" } } }
            """);

        Assert.Equal("State \"A\" has both \"Next\" and \"End\"; use one", message);
    }

    [Theory]
    [InlineData("", "State \"Route\" is missing the required field \"Choices\"")]
    [InlineData(""", "Choices": [] """, "State \"Route\" field \"Choices\" must be a non-empty array")]
    public void Load_ChoiceWithoutChoices_IsRejected(string choices, string expected)
    {
        var message = LoadError($$"""
            { "StartAt": "Route", "States": { "Route": { "Type": "Choice", "Default": "Done"{{choices}} }, "Done": { "Type": "Succeed" } } }
            """);

        Assert.Equal(expected, message);
    }

    [Fact]
    public void Load_DuplicateProperty_IsInvalidJson()
    {
        var message = LoadError("""{ "StartAt": "A", "StartAt": "B", "States": { "A": { "Type": "Succeed" } } }""");

        Assert.StartsWith("The definition is not valid JSON", message);
    }

    [Fact]
    public void Load_InvalidJson_SaysSo()
    {
        var message = LoadError("""{ "StartAt": """);

        Assert.StartsWith("The definition is not valid JSON", message);
    }
}
