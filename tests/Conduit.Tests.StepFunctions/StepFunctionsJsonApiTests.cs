using System.Text.Json.Nodes;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// The Step Functions API as the edge serves it: several state machines, each with its own executions, the AWS
/// members and error names, epoch-second timestamps and nextToken paging.
/// </summary>
public sealed class StepFunctionsJsonApiTests
{
    private static readonly string TaskDefinition = new JsonObject
    {
        ["StartAt"] = "T",
        ["States"] = new JsonObject
        {
            ["T"] = new JsonObject { ["Type"] = "Task", ["Resource"] = LambdaInvokeTaskInvoker.Resource, ["End"] = true },
        },
    }.ToJsonString();

    [Fact]
    public async Task CreateStateMachine_ThenStartAndDescribe_RunsTheNewMachine()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("mine");

        var started = await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run-1"}""");
        await harness.Registry.EmulatorFor(arn).WaitForCompletionAsync("run-1");
        var described = await harness.CallAsync("DescribeExecution", $$"""{"executionArn":"{{started["executionArn"]}}"}""");

        Assert.Equal("arn:aws:states:local:000000000000:stateMachine:mine", arn);
        Assert.Equal("arn:aws:states:local:000000000000:execution:mine:run-1", started["executionArn"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
        Assert.Equal("""{"ok":true}""", described["output"]!.GetValue<string>());
        Assert.Equal(arn, described["stateMachineArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Timestamps_AreEpochSecondsAsJsonNumbers()
    {
        await using var harness = ApiHarness.Create();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        var created = await harness.CallAsync(
            "CreateStateMachine",
            $$"""{"name":"m","definition":{{JsonValue.Create(ApiHarness.PassDefinition).ToJsonString()}},"roleArn":"r"}""");

        var creationDate = created["creationDate"]!.AsValue();
        Assert.Equal(System.Text.Json.JsonValueKind.Number, creationDate.GetValueKind());
        Assert.InRange(creationDate.GetValue<double>(), before, before + 60);
    }

    [Fact]
    public async Task CreateStateMachine_WithAConstructTheLoaderRefuses_IsInvalidDefinitionWithTheLoadersMessage()
    {
        await using var harness = ApiHarness.Create();
        var definition = """{"StartAt":"M","States":{"M":{"Type":"Map","End":true}}}""";
        var loaderMessage = Assert.Throws<AslLoadException>(
            () => StateMachine.Load(definition, new Dictionary<string, string>(), new HashSet<string>())).Message;

        var failure = await harness.FailureOfAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "bad", ["definition"] = definition, ["roleArn"] = ApiHarness.RoleArn,
        }.ToJsonString());

        Assert.Equal(400, failure.StatusCode);
        Assert.Equal("com.amazonaws.sfn#InvalidDefinition", failure.ErrorType);
        Assert.Contains(loaderMessage, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStateMachine_SameNameOtherDefinition_IsStateMachineAlreadyExists_SameDefinitionReturnsIt()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("twice");

        var again = await harness.CreateAsync("twice");
        var failure = await harness.FailureOfAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "twice", ["definition"] = """{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""", ["roleArn"] = ApiHarness.RoleArn,
        }.ToJsonString());

        Assert.Equal(arn, again);
        Assert.Equal("StateMachineAlreadyExists", failure.ErrorCode);
    }

    [Theory]
    [InlineData("CreateStateMachine", """{"name":"bad name","definition":"{}","roleArn":"r"}""", "InvalidName")]
    [InlineData("CreateStateMachine", """{"name":"x","roleArn":"r"}""", "ValidationException")]
    [InlineData("CreateStateMachine", """{"name":"x","definition":"{}","roleArn":"r","type":"FAST"}""", "ValidationException")]
    [InlineData("DescribeStateMachine", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:none"}""",
        "StateMachineDoesNotExist")]
    [InlineData("DescribeStateMachine", """{"stateMachineArn":"not-an-arn"}""", "InvalidArn")]
    [InlineData("StartExecution", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:none"}""",
        "StateMachineDoesNotExist")]
    [InlineData("StartExecution", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in","input":"{"}""",
        "InvalidExecutionInput")]
    [InlineData("DescribeExecution", """{"executionArn":"arn:aws:states:local:000000000000:execution:built-in:none"}""",
        "ExecutionDoesNotExist")]
    [InlineData("DescribeExecution", """{"executionArn":"arn:aws:states:local:000000000000:execution:gone:none"}""",
        "ExecutionDoesNotExist")]
    [InlineData("DescribeExecution", """{"executionArn":"arn:aws:states:local:000000000000:stateMachine:built-in"}""", "InvalidArn")]
    [InlineData("ListExecutions", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in","maxResults":1001}""",
        "ValidationException")]
    [InlineData("ListExecutions", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in","statusFilter":"DONE"}""",
        "ValidationException")]
    [InlineData("ListExecutions", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in","nextToken":"x"}""",
        "InvalidToken")]
    [InlineData("StartSyncExecution", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in"}""",
        "StateMachineTypeNotSupported")]
    [InlineData("DeleteStateMachine", """{"stateMachineArn":"arn:aws:states:local:000000000000:stateMachine:built-in"}""",
        "ValidationException")]
    [InlineData("SendTaskSuccess", "{}", "ValidationException")]
    [InlineData("CreateActivity", "{}", "UnknownOperationException")]
    public async Task Operation_WithABadRequest_FailsWithTheErrorAwsNames(string operation, string input, string errorCode)
    {
        await using var harness = ApiHarness.Create();

        var failure = await harness.FailureOfAsync(operation, input);

        Assert.Equal(errorCode, failure.ErrorCode);
        Assert.Equal(400, failure.StatusCode);
    }

    [Fact]
    public async Task ListExecutions_WithAStatusFilterAndMaxResults_PagesThroughThatStatusNewestFirst()
    {
        var gate = ScriptedTaskInvoker.Gated();
        await using var harness = ApiHarness.Create(gate.Invoker);
        var arn = await harness.CreateAsync("paged");
        var blocking = await harness.CreateAsync(
            "blocking", TaskDefinition);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"{{name}}"}""");
            await harness.Registry.EmulatorFor(arn).WaitForCompletionAsync(name);
        }
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{blocking}}","name":"held"}""");

        var first = await harness.CallAsync(
            "ListExecutions", $$"""{"stateMachineArn":"{{arn}}","statusFilter":"SUCCEEDED","maxResults":2}""");
        var second = await harness.CallAsync("ListExecutions", new JsonObject
        {
            ["stateMachineArn"] = arn, ["statusFilter"] = "SUCCEEDED", ["maxResults"] = 2, ["nextToken"] = first["nextToken"]!.DeepClone(),
        }.ToJsonString());
        var running = await harness.CallAsync("ListExecutions", $$"""{"stateMachineArn":"{{blocking}}","statusFilter":"RUNNING"}""");
        var tokenForAnotherFilter = await harness.FailureOfAsync("ListExecutions", new JsonObject
        {
            ["stateMachineArn"] = arn, ["statusFilter"] = "FAILED", ["nextToken"] = first["nextToken"]!.DeepClone(),
        }.ToJsonString());
        gate.Release.SetResult(null);

        Assert.Equal(["c", "b"], Names(first["executions"]));
        Assert.Equal(["a"], Names(second["executions"]));
        Assert.Null(second["nextToken"]);
        Assert.Equal(["held"], Names(running["executions"]));
        Assert.Equal("InvalidToken", tokenForAnotherFilter.ErrorCode);
    }

    [Fact]
    public async Task GetExecutionHistory_ReverseOrderWithPaging_ReturnsTheNewestEventsFirst()
    {
        await using var harness = ApiHarness.Create();
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{ApiHarness.BuiltInArn}}","name":"h"}""");
        await harness.Registry.EmulatorFor(ApiHarness.BuiltInArn).WaitForCompletionAsync("h");
        var executionArn = "arn:aws:states:local:000000000000:execution:built-in:h";

        var first = await harness.CallAsync(
            "GetExecutionHistory", $$"""{"executionArn":"{{executionArn}}","reverseOrder":true,"maxResults":3}""");
        var rest = await harness.CallAsync("GetExecutionHistory", new JsonObject
        {
            ["executionArn"] = executionArn, ["reverseOrder"] = true, ["maxResults"] = 3, ["nextToken"] = first["nextToken"]!.DeepClone(),
        }.ToJsonString());
        var withoutData = await harness.CallAsync(
            "GetExecutionHistory", $$"""{"executionArn":"{{executionArn}}","includeExecutionData":false}""");

        Assert.Equal(["ExecutionSucceeded", "PassStateExited", "PassStateEntered"], Types(first["events"]));
        Assert.Equal(["ExecutionStarted"], Types(rest["events"]));
        Assert.Null(rest["nextToken"]);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, first["events"]![0]!["timestamp"]!.GetValueKind());
        Assert.DoesNotContain("\"input\"", withoutData.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopExecution_OfARunningExecution_ClosesItAbortedWithTheGivenErrorAndCause()
    {
        var gate = ScriptedTaskInvoker.Gated();
        await using var harness = ApiHarness.Create(gate.Invoker);
        var arn = await harness.CreateAsync(
            "stoppable", TaskDefinition);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"s"}""");
        await gate.Invoked;
        var executionArn = "arn:aws:states:local:000000000000:execution:stoppable:s";

        var stopped = await harness.CallAsync("StopExecution", $$"""{"executionArn":"{{executionArn}}","error":"Halt","cause":"enough"}""");
        var described = await harness.CallAsync("DescribeExecution", $$"""{"executionArn":"{{executionArn}}"}""");
        var history = await harness.CallAsync("GetExecutionHistory", $$"""{"executionArn":"{{executionArn}}","reverseOrder":true}""");

        Assert.Equal(System.Text.Json.JsonValueKind.Number, stopped["stopDate"]!.GetValueKind());
        Assert.Equal("ABORTED", described["status"]!.GetValue<string>());
        Assert.Equal("Halt", described["error"]!.GetValue<string>());
        Assert.Equal("enough", described["cause"]!.GetValue<string>());
        Assert.Equal("ExecutionAborted", history["events"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreatedStateMachines_SurviveARestart_WithTheirExecutions()
    {
        using var folder = new TemporaryFolder("sfn");
        var path = folder.File("sfn.db");
        await using (var database = SqliteDatabase.OpenFile(path))
        await using (var before = ApiHarness.Create(database: database))
        {
            var arn = await before.CreateAsync("kept");
            await before.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"k"}""");
            await before.Registry.EmulatorFor(arn).WaitForCompletionAsync("k");
        }

        await using var reopened = SqliteDatabase.OpenFile(path);
        await using var after = ApiHarness.Create(database: reopened);
        var machines = await after.CallAsync("ListStateMachines", "{}");
        var described = await after.CallAsync(
            "DescribeExecution", """{"executionArn":"arn:aws:states:local:000000000000:execution:kept:k"}""");

        Assert.Equal(["built-in", "kept"], Names(machines["stateMachines"]));
        Assert.Equal("SUCCEEDED", described["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateStateMachine_NewExecutionsRunTheNewDefinition()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("changing");
        var updated = """{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v2","End":true}}}""";

        await harness.CallAsync(
            "UpdateStateMachine", new JsonObject { ["stateMachineArn"] = arn, ["definition"] = updated }.ToJsonString());
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"after"}""");
        var closed = await harness.Registry.EmulatorFor(arn).WaitForCompletionAsync("after");
        var described = await harness.CallAsync("DescribeStateMachine", $$"""{"stateMachineArn":"{{arn}}"}""");

        Assert.Equal("\"v2\"", closed.Output);
        Assert.Equal(updated, described["definition"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteStateMachine_RemovesItFromTheListAndItsExecutionsFromView()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("doomed");

        await harness.CallAsync("DeleteStateMachine", $$"""{"stateMachineArn":"{{arn}}"}""");
        var machines = await harness.CallAsync("ListStateMachines", "{}");
        var describe = await harness.FailureOfAsync("DescribeStateMachine", $$"""{"stateMachineArn":"{{arn}}"}""");

        Assert.Equal(["built-in"], Names(machines["stateMachines"]));
        Assert.Equal("StateMachineDoesNotExist", describe.ErrorCode);
    }

    [Fact]
    public async Task StartSyncExecution_OnAnExpressMachine_AnswersWithTheOutcome()
    {
        await using var harness = ApiHarness.Create();
        var arn = await harness.CreateAsync("quick", type: "EXPRESS");

        var result = await harness.CallAsync("StartSyncExecution", $$"""{"stateMachineArn":"{{arn}}","input":"{\"a\":1}"}""");

        Assert.Equal("SUCCEEDED", result["status"]!.GetValue<string>());
        Assert.Equal("""{"ok":true}""", result["output"]!.GetValue<string>());
        Assert.NotNull(result["billingDetails"]);
    }

    [Fact]
    public async Task ListStateMachines_WithMaxResults_PagesWithNextToken()
    {
        await using var harness = ApiHarness.Create();
        await harness.CreateAsync("one");
        await harness.CreateAsync("two");

        var first = await harness.CallAsync("ListStateMachines", """{"maxResults":2}""");
        var second = await harness.CallAsync("ListStateMachines", new JsonObject
        {
            ["maxResults"] = 2, ["nextToken"] = first["nextToken"]!.DeepClone(),
        }.ToJsonString());

        Assert.Equal(["built-in", "one"], Names(first["stateMachines"]));
        Assert.Equal(["two"], Names(second["stateMachines"]));
        Assert.Null(second["nextToken"]);
    }

    private static string[] Names(JsonNode? items) => [.. items!.AsArray().Select(item => item!["name"]!.GetValue<string>())];

    private static string[] Types(JsonNode? events) => [.. events!.AsArray().Select(item => item!["type"]!.GetValue<string>())];
}
