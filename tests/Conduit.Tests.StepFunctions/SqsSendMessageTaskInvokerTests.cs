using System.Text.Json.Nodes;
using Conduit.Local.Queue;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

/// <summary>sqs:sendMessage as the AWS documentation's "Send messages to an Amazon SQS queue" example uses it.</summary>
public sealed class SqsSendMessageTaskInvokerTests
{
    private static SqsJsonApi HostSqs(SqliteDatabase database)
    {
        var options = new QueueOptions();
        var turns = new DurableQueue(database, options, TimeProvider.System);
        var registry = new SqsQueueRegistry(database, turns, options, TimeProvider.System);
        return new SqsJsonApi(registry, new Uri("http://127.0.0.1:5080/"), TimeProvider.System);
    }

    [Fact]
    public async Task Workflow_SendMessageWithJsonBody_TheHostsQueueReceivesItsTextAndTheResultCarriesMetadata()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var sqs = HostSqs(database);
        var queueUrl = (await sqs.InvokeAsync("CreateQueue", new JsonObject { ["QueueName"] = "orders" }, CancellationToken.None))
            ["QueueUrl"]!.GetValue<string>();
        var router = new TaskInvokerRouter(new Dictionary<string, ITaskInvoker>
        {
            [SqsSendMessageTaskInvoker.Resource] = new SqsSendMessageTaskInvoker(sqs, TimeProvider.System),
        });
        var machine = StateMachine.Load(
            $$"""
            { "StartAt": "Send message to SQS", "States": { "Send message to SQS": {
                "Type": "Task", "Resource": "{{SqsSendMessageTaskInvoker.Resource}}",
                "Parameters": { "QueueUrl": "{{queueUrl}}", "MessageBody.$": "$.order",
                                "MessageAttributes": { "kind": { "DataType": "String", "StringValue": "order" } } },
                "ResultSelector": {
                  "id.$": "$.MessageId", "md5.$": "$.MD5OfMessageBody", "status.$": "$.SdkHttpMetadata.HttpStatusCode" },
                "End": true } } }
            """,
            new Dictionary<string, string>(),
            router.Resources);
        await using var emulator = new StepFunctionsEmulator(
            machine, EmulatorHarness.StateMachineArn, router, new SqliteExecutionStore(database), TimeProvider.System,
            NullLogger<StepFunctionsEmulator>.Instance);
        await emulator.StartExecutionAsync("execution-1", """{ "order": { "item": "tea", "count": 2 } }""");

        var execution = await emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(30));
        var received = await sqs.InvokeAsync(
            "ReceiveMessage", new JsonObject { ["QueueUrl"] = queueUrl, ["MessageAttributeNames"] = new JsonArray("All") },
            CancellationToken.None);

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var output = JsonNode.Parse(execution.Output!)!;
        var message = Assert.Single(received["Messages"]!.AsArray())!;
        Assert.Equal(message["MessageId"]!.GetValue<string>(), output["id"]!.GetValue<string>());
        Assert.Equal(message["MD5OfBody"]!.GetValue<string>(), output["md5"]!.GetValue<string>());
        Assert.Equal(200, output["status"]!.GetValue<int>());
        JsonAssert.Equivalent("""{ "item": "tea", "count": 2 }""", message["Body"]!.GetValue<string>());
        Assert.Equal("order", message["MessageAttributes"]!["kind"]!["StringValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvokeAsync_QueueDoesNotExist_FailsWithTheSqsErrorName()
    {
        await using var database = SqliteDatabase.OpenInMemory();
        var invoker = new SqsSendMessageTaskInvoker(HostSqs(database), TimeProvider.System);
        var parameters = JsonNode.Parse("""{ "QueueUrl": "http://127.0.0.1:5080/000000000000/missing", "MessageBody": "x" }""");

        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => invoker.InvokeAsync(SqsSendMessageTaskInvoker.Resource, parameters, CancellationToken.None));

        Assert.StartsWith("SQS.", failure.Error);
        Assert.EndsWith("Exception", failure.Error);
        Assert.Contains("Error Code:", failure.Cause);
    }
}
