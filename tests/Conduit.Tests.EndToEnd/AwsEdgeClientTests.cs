using System.Net;
using System.Text;
using System.Text.Json;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// The host's AWS-compatible endpoint as clients no one here wrote see it: the official AWS SDK for JavaScript v3
/// (client-sfn) and the AWS CLI, against a real host process that accepts any signer, plus the refusal of unsigned requests.
/// </summary>
public sealed class AwsEdgeClientTests : IAsyncLifetime
{
    private static readonly TimeSpan ExecutionTimeout = TimeSpan.FromSeconds(30);

    private LoopbackServer _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalHostProcess.StartAsync(LoopbackPort.Free(), "--in-memory", "--aws-credentials", "any");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task JavaScriptSdk_CreatesStartsAndReadsAMachine_AsFromTheRealService()
    {
        var run = await AwsClients.NodeScriptAsync("sfn-workflow.mjs", AwsClients.Environment(), _host.HttpBase.AbsoluteUri, "js");

        var seen = JsonDocument.Parse(LastLine(run.OutputIfSucceeded())).RootElement;
        Assert.EndsWith(":stateMachine:sizes-js", seen.GetProperty("stateMachineArn").GetString(), StringComparison.Ordinal);
        Assert.True(seen.GetProperty("creationDateIsDate").GetBoolean());
        Assert.Equal("SUCCEEDED", seen.GetProperty("secondStatus").GetString());
        Assert.Equal("large", seen.GetProperty("secondOutput").GetProperty("verdict").GetString());
        Assert.True(seen.GetProperty("secondStartIsDate").GetBoolean());
        Assert.Equal("[[\"third\",\"second\"],[\"first\"]]", seen.GetProperty("pages").GetRawText());
        Assert.Equal(0, seen.GetProperty("runningCount").GetInt32());
        Assert.Equal(
            "[\"ExecutionSucceeded\",\"SucceedStateExited\",\"SucceedStateEntered\"]", seen.GetProperty("historyTypes").GetRawText());
        Assert.True(seen.GetProperty("historyHasNextToken").GetBoolean());
        Assert.Equal("[\"conduit-chat-turn\",\"sizes-js\"]", seen.GetProperty("machineNames").GetRawText());
        Assert.Equal("STANDARD", seen.GetProperty("describedType").GetString());
        Assert.Equal("ACTIVE", seen.GetProperty("describedStatus").GetString());
    }

    [Fact]
    public async Task AwsCli_ListStateMachines_ListsTheChatTurnMachine()
    {
        var listed = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment(),
            "stepfunctions", "list-state-machines", "--query", "stateMachines[].stateMachineArn", "--output", "text");

        Assert.Equal(
            "arn:aws:states:local:000000000000:stateMachine:conduit-chat-turn", LastLine(listed.OutputIfSucceeded()));
    }

    [Fact]
    public async Task AwsCli_GetExecutionHistory_ReadsTheEventsOfAnExecution()
    {
        var environment = AwsClients.Environment();
        var stateMachineArn = LastLine((await AwsClients.CliAsync(
            _host.HttpBase, environment,
            "stepfunctions", "create-state-machine", "--name", "cli-pass", "--role-arn", "arn:aws:iam::000000000000:role/any",
            "--definition", """{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":true},"End":true}}}""",
            "--query", "stateMachineArn", "--output", "text")).OutputIfSucceeded());
        var executionArn = LastLine((await AwsClients.CliAsync(
            _host.HttpBase, environment,
            "stepfunctions", "start-execution", "--state-machine-arn", stateMachineArn, "--name", "cli-run", "--input", "{}",
            "--query", "executionArn", "--output", "text")).OutputIfSucceeded());
        await WaitUntilClosedAsync(executionArn, environment);

        var history = await AwsClients.CliAsync(
            _host.HttpBase, environment,
            "stepfunctions", "get-execution-history", "--execution-arn", executionArn, "--query", "events[].type", "--output", "text");

        Assert.Equal(
            "ExecutionStarted\tPassStateEntered\tPassStateExited\tExecutionSucceeded", LastLine(history.OutputIfSucceeded()));
    }

    [Fact]
    public async Task AwsCli_DescribeAnUnknownExecution_FailsWithExecutionDoesNotExist()
    {
        var described = await AwsClients.CliAsync(
            _host.HttpBase, AwsClients.Environment(),
            "stepfunctions", "describe-execution", "--execution-arn", "arn:aws:states:local:000000000000:execution:conduit-chat-turn:none");

        Assert.False(described.Succeeded);
        Assert.Contains("(ExecutionDoesNotExist)", described.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JavaScriptSdk_SqsWorkflow_WorksAsAgainstTheRealService()
    {
        var run = await AwsClients.NodeScriptAsync("sqs-workflow.mjs", AwsClients.Environment(), _host.HttpBase.AbsoluteUri, "js");

        var seen = JsonDocument.Parse(LastLine(run.OutputIfSucceeded())).RootElement;
        var queues = $"{_host.HttpBase.AbsoluteUri}000000000000/";
        Assert.Equal($"{queues}work-js", seen.GetProperty("queueUrl").GetString());
        Assert.Equal("[\"m0\",\"m1\",\"m2\"]", seen.GetProperty("sentIds").GetRawText());
        Assert.Equal(0, seen.GetProperty("failed").GetInt32());
        Assert.Equal("[\"one\",\"three\",\"two\"]", seen.GetProperty("bodies").GetRawText());
        Assert.Equal("[\"one\",\"three\",\"two\"]", seen.GetProperty("kinds").GetRawText());
        Assert.Equal("[0,1,2]", seen.GetProperty("rawFirstByte").GetRawText());
        Assert.Equal("[\"late\"]", seen.GetProperty("late").GetRawText());
        Assert.Equal("[\"2\"]", seen.GetProperty("againCount").GetRawText());
        Assert.Equal(4, seen.GetProperty("deleted").GetInt32());
        Assert.Equal(0, seen.GetProperty("deleteFailed").GetInt32());
        Assert.Equal("1", seen.GetProperty("beforePurge").GetString());
        Assert.Equal("0", seen.GetProperty("afterPurge").GetString());
        Assert.Equal("0", seen.GetProperty("notVisible").GetString());
        Assert.Equal("60", seen.GetProperty("visibilityTimeout").GetString());
        Assert.Equal("arn:aws:sqs:local:000000000000:work-js", seen.GetProperty("queueArn").GetString());
        var listed = seen.GetProperty("listed").EnumerateArray().Select(url => url.GetString()).ToList();
        Assert.Equal([$"{queues}conduit-turns", $"{queues}conduit-turns-dlq", $"{queues}work-js"], listed);
        Assert.Equal($"{queues}conduit-turns-dlq", seen.GetProperty("dlqUrl").GetString());
        Assert.Equal("QueueDoesNotExist", seen.GetProperty("missing").GetString());
    }

    [Fact]
    public async Task AwsCli_SqsListQueuesAndTurnsQueueAttributes_ShowTheTurnsQueueAndItsDeadLetterQueue()
    {
        var environment = AwsClients.Environment();
        var queues = $"{_host.HttpBase.AbsoluteUri}000000000000/";

        var listed = await AwsClients.CliAsync(_host.HttpBase, environment, "sqs", "list-queues", "--output", "text");
        var attributes = await AwsClients.CliAsync(
            _host.HttpBase, environment, "sqs", "get-queue-attributes", "--queue-url", $"{queues}conduit-turns",
            "--attribute-names", "All", "--output", "json");

        Assert.Contains($"{queues}conduit-turns-dlq", listed.OutputIfSucceeded(), StringComparison.Ordinal);
        var values = JsonDocument.Parse(attributes.OutputIfSucceeded()).RootElement.GetProperty("Attributes");
        Assert.Equal("arn:aws:sqs:local:000000000000:conduit-turns", values.GetProperty("QueueArn").GetString());
        Assert.Contains("conduit-turns-dlq", values.GetProperty("RedrivePolicy").GetString(), StringComparison.Ordinal);
        Assert.Equal("0", values.GetProperty("ApproximateNumberOfMessagesNotVisible").GetString());
    }

    [Fact]
    public async Task Post_Unsigned_Is403MissingAuthenticationToken_InTheJson10Shape()
    {
        using var http = new HttpClient { BaseAddress = _host.HttpBase };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.0"),
        };
        request.Headers.Add("X-Amz-Target", "AWSStepFunctions.ListStateMachines");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/x-amz-json-1.0", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("com.amazon.coral.service#MissingAuthenticationTokenException", body.GetProperty("__type").GetString());
        Assert.Equal("Missing Authentication Token", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task GetRoot_StillServesTheChatPage()
    {
        using var http = new HttpClient { BaseAddress = _host.HttpBase };

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Asks for the execution's status until it is no longer RUNNING: the CLI has no waiter for executions.</summary>
    private async Task WaitUntilClosedAsync(string executionArn, IReadOnlyDictionary<string, string?> environment)
    {
        using var limit = new CancellationTokenSource(ExecutionTimeout);
        while (true)
        {
            var status = LastLine((await AwsClients.CliAsync(
                _host.HttpBase, environment,
                "stepfunctions", "describe-execution", "--execution-arn", executionArn, "--query", "status", "--output", "text"))
                .OutputIfSucceeded());
            if (status != "RUNNING") return;
            limit.Token.ThrowIfCancellationRequested();
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
