using System.Text.Json.Nodes;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Conduit.Aws;
using Conduit.Local.Sqlite;
using Conduit.Local.StepFunctions;
using Conduit.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// DynamoDB's putItem and getItem integrations, as the AWS documentation's "Call DynamoDB with Step Functions" example
/// uses them, against dynalite (a DynamoDB-compatible server) standing in for the host's store.
/// </summary>
public sealed class DynamoDbTaskInvokerTests
{
    private static readonly string Definition = """
        { "StartAt": "Put", "States": {
            "Put": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem", "ResultPath": null, "Next": "Get",
                     "Parameters": { "TableName": "orders", "Item": { "id": { "S.$": "$.id" }, "count": { "N": "2" } } } },
            "Get": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "ResultPath": "$.read", "Next": "Missing",
                     "Parameters": { "TableName": "orders", "Key": { "id": { "S.$": "$.id" } } },
                     "ResultSelector": { "count.$": "$.Item.count.N", "status.$": "$.SdkHttpMetadata.HttpStatusCode" } },
            "Missing": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "End": true,
                         "Parameters": { "TableName": "no-such-table", "Key": { "id": { "S": "x" } } },
                         "Catch": [ { "ErrorEquals": ["DynamoDB.ResourceNotFoundException"], "ResultPath": "$.error", "Next": "Done" } ] },
            "Done": { "Type": "Pass", "End": true } } }
        """;

    [Fact]
    public async Task Workflow_PutThenGetItemOnTheStore_ReadsBackWhatItWroteAndAMissingTableIsCaught()
    {
        var tools = NodeTools.Find() ?? throw new InvalidOperationException("Node.js (node and npm on PATH) runs dynalite for this test.");
        using var start = new CancellationTokenSource(NodePackages.InstallTimeout + TimeSpan.FromMinutes(1));
        await using var dynalite = await DynaliteProcess.StartAsync(tools, start.Token);
        using (var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("local", "local"),
            new AmazonDynamoDBConfig { ServiceURL = dynalite.HttpBase.AbsoluteUri, AuthenticationRegion = "us-east-1" }))
        {
            await client.CreateTableAsync(new CreateTableRequest
            {
                TableName = "orders",
                KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
                AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
                BillingMode = BillingMode.PAY_PER_REQUEST,
            });
        }

        var settings = new AwsClientSettings
        {
            Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("local", "local"), ServiceUrl = dynalite.HttpBase,
        };
        var dynamoDb = new DynamoDbTaskInvoker(settings, TimeProvider.System);
        var router = new TaskInvokerRouter(
            DynamoDbTaskInvoker.Operations.Keys.ToDictionary(resource => resource, _ => (ITaskInvoker)dynamoDb));
        await using var database = SqliteDatabase.OpenInMemory();
        await using var emulator = new StepFunctionsEmulator(
            StateMachine.Load(Definition, new Dictionary<string, string>(), router.Resources),
            EmulatorHarness.StateMachineArn, router, new SqliteExecutionStore(database), TimeProvider.System,
            NullLogger<StepFunctionsEmulator>.Instance);

        await emulator.StartExecutionAsync("execution-1", """{ "id": "order-7" }""");
        var execution = await emulator.WaitForCompletionAsync("execution-1").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        var output = JsonNode.Parse(execution.Output!)!;
        JsonAssert.Equivalent("""{ "count": "2", "status": 200 }""", output["read"]!.ToJsonString());
        Assert.Equal("DynamoDB.ResourceNotFoundException", output["error"]!["Error"]!.GetValue<string>());
    }

    [Fact]
    public void Load_DynamoDbResourceWithoutADynamoDbStore_SaysTheStoreMustBeDynamoDb()
    {
        var exception = Assert.Throws<AslLoadException>(() => StateMachine.Load(
            """
            { "StartAt": "Get", "States": { "Get": { "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "End": true } } }
            """,
            new Dictionary<string, string>(),
            new HashSet<string> { LambdaInvokeTaskInvoker.Resource }));

        Assert.StartsWith("State \"Get\" uses resource \"arn:aws:states:::dynamodb:getItem\"", exception.Message);
        Assert.Contains("--store dynamodb", exception.Message);
    }
}
