using System.Text.Json;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Task tokens, redrive and fault injection on a host process, driven by clients no one here wrote: the official AWS
/// SDK for JavaScript v3, the AWS CLI, and the chat protocol for a turn whose Plan step (the one that answers) is throttled once.
/// </summary>
public sealed class TaskIntegrationClientTests : IAsyncLifetime
{
    private const string ChatTurnArn = "arn:aws:states:local:000000000000:stateMachine:conduit-chat-turn";

    private LoopbackServer _host = null!;

    public async Task InitializeAsync() =>
        _host = await LocalHostProcess.StartAsync(
            LoopbackPort.Free(), "--in-memory", "--aws-credentials", "any", "--kb", Path.Combine(AppContext.BaseDirectory, "knowledge"),
            "--first-token-delay-ms", "0", "--token-delay-ms", "1", "--inject-fault", "conduit-Plan:1:Lambda.TooManyRequestsException");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task JavaScriptSdk_CallbackWorkflow_FailsOnOneTokenIsRedrivenAndSucceedsOnTheNext()
    {
        var run = await AwsClients.NodeScriptAsync("sfn-callback.mjs", AwsClients.Environment(), _host.HttpBase.AbsoluteUri, "js");

        var seen = JsonDocument.Parse(LastLine(run.OutputIfSucceeded())).RootElement;
        Assert.Equal(7, seen.GetProperty("order").GetInt32());
        Assert.True(seen.GetProperty("tokensDiffer").GetBoolean());
        Assert.Equal("FAILED", seen.GetProperty("failedStatus").GetString());
        Assert.Equal("Rejected", seen.GetProperty("failedError").GetString());
        Assert.True(seen.GetProperty("redriveDateIsDate").GetBoolean());
        Assert.Equal("SUCCEEDED", seen.GetProperty("succeededStatus").GetString());
        Assert.True(seen.GetProperty("output").GetProperty("approval").GetProperty("approved").GetBoolean());
        Assert.Equal("prepared", seen.GetProperty("output").GetProperty("step").GetString());
        Assert.Equal(1, seen.GetProperty("redriveCount").GetInt32());
        Assert.Equal("TaskDoesNotExist", seen.GetProperty("lateError").GetString());
        Assert.Equal("ExecutionNotRedrivable", seen.GetProperty("notRedrivable").GetString());
        Assert.Equal(
            "[\"ExecutionStarted\",\"PassStateEntered\",\"PassStateExited\",\"TaskStateEntered\",\"TaskScheduled\",\"TaskStarted\","
            + "\"TaskSubmitted\",\"TaskFailed\",\"ExecutionFailed\",\"ExecutionRedriven\",\"TaskStateEntered\",\"TaskScheduled\","
            + "\"TaskStarted\",\"TaskSubmitted\",\"TaskSucceeded\",\"TaskStateExited\",\"ExecutionSucceeded\"]",
            seen.GetProperty("historyTypes").GetRawText());
    }

    [Fact]
    public async Task AwsCli_SendTaskSuccess_CompletesTheTaskWaitingOnAQueue()
    {
        var environment = AwsClients.Environment();
        var queueUrl = await CliTextAsync(environment, "sqs", "create-queue", "--queue-name", "cli-approvals", "--query", "QueueUrl");
        var definition = new Dictionary<string, object>
        {
            ["StartAt"] = "Approve",
            ["States"] = new Dictionary<string, object>
            {
                ["Approve"] = new Dictionary<string, object>
                {
                    ["Type"] = "Task",
                    ["Resource"] = "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    ["Parameters"] = new Dictionary<string, object> { ["QueueUrl"] = queueUrl, ["MessageBody.$"] = "$$.Task.Token" },
                    ["End"] = true,
                },
            },
        };
        var stateMachineArn = await CliTextAsync(
            environment, "stepfunctions", "create-state-machine", "--name", "cli-approvals",
            "--role-arn", "arn:aws:iam::000000000000:role/any", "--definition", JsonSerializer.Serialize(definition),
            "--query", "stateMachineArn");
        var executionArn = await CliTextAsync(
            environment, "stepfunctions", "start-execution", "--state-machine-arn", stateMachineArn, "--name", "cli-run",
            "--query", "executionArn");
        var token = await CliTextAsync(
            environment, "sqs", "receive-message", "--queue-url", queueUrl, "--wait-time-seconds", "20", "--query", "Messages[0].Body");

        (await AwsClients.CliAsync(
            _host.HttpBase, environment, "stepfunctions", "send-task-success", "--task-token", token, "--task-output", """{"ok":true}"""))
            .OutputIfSucceeded();
        var output = await WaitForOutputAsync(environment, executionArn);

        Assert.Equal("""{"ok":true}""", output);
    }

    [Fact]
    public async Task ChatTurn_PlanThrottledOnceByInjectedFault_RetriesAndTheTurnCompletes()
    {
        var token = await DevelopmentTokens.ForUserAsync(_host.HttpBase, "faulty");
        await using var chat = await ChatConnection.OpenAsync(_host.WebSocketUrl("local"), token: token);

        await chat.SendMessageAsync("fault-1", "What does the Dispatcher do?");
        await chat.AckAsync("fault-1");
        var frames = await chat.ReadTurnAsync("fault-1");
        var environment = AwsClients.Environment();
        var executionArn = await CliTextAsync(
            environment, "stepfunctions", "list-executions", "--state-machine-arn", ChatTurnArn, "--query", "executions[0].executionArn");
        var history = await CliTextAsync(
            environment, "stepfunctions", "get-execution-history", "--execution-arn", executionArn,
            "--query", "events[?type=='TaskFailed'].taskFailedEventDetails.error");

        Assert.Equal("done", frames[^1].GetProperty("type").GetString());
        Assert.Equal("Lambda.TooManyRequestsException", history);
        Assert.Equal(
            "SUCCEEDED",
            await CliTextAsync(environment, "stepfunctions", "describe-execution", "--execution-arn", executionArn, "--query", "status"));
    }

    private async Task<string> CliTextAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        LastLine((await AwsClients.CliAsync(_host.HttpBase, environment, [.. arguments, "--output", "text"])).OutputIfSucceeded());

    /// <summary>Asks for the execution until it is no longer RUNNING (the CLI has no waiter for executions), then its output.</summary>
    private async Task<string> WaitForOutputAsync(IReadOnlyDictionary<string, string?> environment, string executionArn)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var status = await CliTextAsync(
                environment, "stepfunctions", "describe-execution", "--execution-arn", executionArn, "--query", "status");
            if (status != "RUNNING")
            {
                return await CliTextAsync(
                    environment, "stepfunctions", "describe-execution", "--execution-arn", executionArn, "--query", "output");
            }

            limit.Token.ThrowIfCancellationRequested();
        }
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
