using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conduit.Tests.Support;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// GetExecutionHistory of a Task whose Resource is a Lambda function's ARN, as the API returns it and as the official
/// AWS SDK for JavaScript v3 (client-sfn) parses it: the LambdaFunction* events under AWS's own details members.
/// </summary>
[RequiresNode]
public sealed class LambdaFunctionHistoryClientTests
{
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";
    private const string ExecutionArn = "arn:aws:states:local:000000000000:execution:direct:run";

    private static readonly string Definition = new JsonObject
    {
        ["StartAt"] = "Ask",
        ["States"] = new JsonObject
        {
            ["Ask"] = new JsonObject
            {
                ["Type"] = "Task", ["Resource"] = FunctionArn, ["Parameters"] = new JsonObject { ["question.$"] = "$.q" }, ["End"] = true,
            },
        },
    }.ToJsonString();

    private static async Task<ApiHarness> RanDirectFunctionAsync()
    {
        var harness = ApiHarness.Create(ScriptedTaskInvoker.Returning("""{ "answer": 42 }"""));
        var arn = await harness.CreateAsync("direct", Definition);
        await harness.CallAsync("StartExecution", $$"""{"stateMachineArn":"{{arn}}","name":"run","input":"{\"q\":\"life\"}"}""");
        await harness.Registry.EmulatorFor(arn).WaitForCompletionAsync("run");
        return harness;
    }

    [Fact]
    public async Task GetExecutionHistory_FunctionArnTask_ReturnsEachEventUnderItsAwsDetailsMember()
    {
        await using var harness = await RanDirectFunctionAsync();

        var history = await harness.CallAsync("GetExecutionHistory", $$"""{"executionArn":"{{ExecutionArn}}"}""");

        var events = history["events"]!.AsArray().Select(item => item!.AsObject()).ToList();
        JsonObject Event(string type) => events.Single(item => item["type"]!.GetValue<string>() == type);
        Assert.Equal(FunctionArn, Event("LambdaFunctionScheduled")["lambdaFunctionScheduledEventDetails"]!["resource"]!.GetValue<string>());
        Assert.Equal(["timestamp", "type", "id", "previousEventId"], Event("LambdaFunctionStarted").Select(member => member.Key));
        JsonAssert.Equivalent(
            """{ "answer": 42 }""", Event("LambdaFunctionSucceeded")["lambdaFunctionSucceededEventDetails"]!["output"]!.GetValue<string>());
    }

    [NodeFact]
    public async Task JavaScriptSdk_GetExecutionHistory_ParsesTheLambdaFunctionEventDetails()
    {
        await using var harness = await RanDirectFunctionAsync();
        using var server = new HttpListener();
        var port = LoopbackPort.Free();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = ServeAsync(server, harness);

        var run = await RunScriptAsync($"http://127.0.0.1:{port}", ExecutionArn);
        server.Stop();
        await serving;

        var seen = JsonNode.Parse(run.OutputIfSucceeded().Trim().Split('\n')[^1])!.AsArray();
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                "TaskStateExited", "ExecutionSucceeded"],
            seen.Select(item => item!["type"]!.GetValue<string>()));
        var scheduled = seen[2]!;
        Assert.Equal("""["lambdaFunctionScheduledEventDetails"]""", scheduled["members"]!.ToJsonString());
        Assert.Equal(FunctionArn, scheduled["details"]!["resource"]!.GetValue<string>());
        JsonAssert.Equivalent("""{ "question": "life" }""", scheduled["details"]!["input"]!.GetValue<string>());
        Assert.False(scheduled["details"]!["inputDetails"]!["truncated"]!.GetValue<bool>());
        Assert.Equal("[]", seen[3]!["members"]!.ToJsonString());
        var succeeded = seen[4]!;
        Assert.Equal("""["lambdaFunctionSucceededEventDetails"]""", succeeded["members"]!.ToJsonString());
        JsonAssert.Equivalent("""{ "answer": 42 }""", succeeded["details"]!["output"]!.GetValue<string>());
    }

    private static async Task<ProcessResult> RunScriptAsync(string endpoint, string executionArn)
    {
        var tools = NodeTools.Find()!;
        using var install = new CancellationTokenSource(NodePackages.InstallTimeout);
        await NodePackages.EnsureInstalledAsync(tools, install.Token);
        return await ChildProcess.RunAsync(
            tools.Node,
            [Path.Combine(NodePackages.Folder, "scripts", "sfn-lambda-history.mjs"), endpoint, executionArn],
            NodePackages.Folder,
            TimeSpan.FromMinutes(1));
    }

    /// <summary>Answers each AWS JSON request with the API's output, as the host's edge does once a signature is checked.</summary>
    private static async Task ServeAsync(HttpListener server, ApiHarness harness)
    {
        while (server.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await server.GetContextAsync();
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var operation = context.Request.Headers["X-Amz-Target"]!.Split('.')[^1];
            var output = await harness.CallAsync(operation, await reader.ReadToEndAsync());
            var body = Encoding.UTF8.GetBytes(output.ToJsonString());
            context.Response.ContentType = "application/x-amz-json-1.0";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}
