using System.Text;
using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

/// <summary>
/// lambda:invoke as the AWS documentation's "Invoke an AWS Lambda function with Step Functions" describes it: every
/// FunctionName form Lambda's Invoke accepts, the Qualifier parameter, the full response shape, and the direct
/// function-ARN resource whose output is the function's payload.
/// </summary>
public sealed class LambdaFunctionFormsTests
{
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";

    private static LambdaInvokeTaskInvoker Invoker(Action<string>? onPayload = null) => new(new Dictionary<string, LambdaHandler>
    {
        [FunctionArn] = async input =>
        {
            using var reader = new StreamReader(input);
            onPayload?.Invoke(await reader.ReadToEndAsync());
            return new MemoryStream(Encoding.UTF8.GetBytes("""{ "answer": 42 }"""));
        },
    });

    private static Task<JsonNode?> InvokeAsync(string parametersJson) =>
        Invoker().InvokeAsync(LambdaInvokeTaskInvoker.Resource, JsonNode.Parse(parametersJson), CancellationToken.None);

    [Theory]
    [InlineData("answer")]
    [InlineData("answer:live")]
    [InlineData("answer:7")]
    [InlineData("000000000000:function:answer")]
    [InlineData("000000000000:function:answer:$LATEST")]
    [InlineData(FunctionArn)]
    [InlineData(FunctionArn + ":live")]
    public async Task InvokeAsync_EveryFunctionNameForm_ReachesTheFunction(string functionName)
    {
        var result = await InvokeAsync(new JsonObject { ["FunctionName"] = functionName }.ToJsonString());

        JsonAssert.Equivalent("""{ "answer": 42 }""", result?["Payload"]?.ToJsonString());
    }

    [Fact]
    public async Task InvokeAsync_QualifierParameter_ReachesTheFunction()
    {
        var result = await InvokeAsync("""{ "FunctionName": "answer", "Qualifier": "live" }""");

        Assert.Equal(200, result?["StatusCode"]?.GetValue<int>());
    }

    [Fact]
    public async Task InvokeAsync_QualifierDiffersFromTheNamesQualifier_FailsAsLambdaDoes()
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync("""{ "FunctionName": "answer:live", "Qualifier": "7" }"""));

        Assert.Equal("Lambda.InvalidParameterValueException", failure.Error);
        Assert.Contains("does not match", failure.Cause);
    }

    [Theory]
    [InlineData("")]
    [InlineData("arn:aws:lambda:local:000000000000:layer:answer")]
    [InlineData("a:b:c:d:e:f:g:h:i")]
    [InlineData("answer with spaces")]
    public async Task InvokeAsync_MalformedFunctionName_FailsWithLambdaValidationError(string functionName)
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync(new JsonObject { ["FunctionName"] = functionName }.ToJsonString()));

        Assert.Equal("Lambda.AWSLambdaException", failure.Error);
        Assert.Contains("FunctionName", failure.Cause);
    }

    [Fact]
    public async Task InvokeAsync_UnknownFunctionByName_FailsWithResourceNotFoundNamingTheArn()
    {
        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => InvokeAsync("""{ "FunctionName": "missing" }"""));

        Assert.Equal("Lambda.ResourceNotFoundException", failure.Error);
        Assert.Contains("arn:aws:lambda:local:000000000000:function:missing", failure.Cause);
    }

    [Fact]
    public async Task InvokeAsync_Succeeds_GivesTheCompleteAwsResponseShape()
    {
        var result = (await InvokeAsync("""{ "FunctionName": "answer" }"""))!.AsObject();

        Assert.Equal(
            ["ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata", "StatusCode"],
            result.Select(property => property.Key).Order(StringComparer.Ordinal));
        Assert.Equal("$LATEST", result["ExecutedVersion"]!.GetValue<string>());
        var http = result["SdkHttpMetadata"]!.AsObject();
        Assert.Equal(200, http["HttpStatusCode"]!.GetValue<int>());
        var requestId = result["SdkResponseMetadata"]!["RequestId"]!.GetValue<string>();
        Assert.True(Guid.TryParse(requestId, out _));
        Assert.Equal(requestId, http["HttpHeaders"]!["x-amzn-RequestId"]!.GetValue<string>());
        Assert.Equal(requestId, http["AllHttpHeaders"]!["x-amzn-RequestId"]![0]!.GetValue<string>());
        Assert.Equal("$LATEST", http["HttpHeaders"]!["X-Amz-Executed-Version"]!.GetValue<string>());
        Assert.Equal("application/json", http["HttpHeaders"]!["Content-Type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Workflow_DirectFunctionArnResource_OutputIsThePayload()
    {
        string? payload = null;
        await using var harness = EmulatorHarness.Create(
            $$"""
            { "StartAt": "Ask", "States": { "Ask": {
                "Type": "Task", "Resource": "{{FunctionArn}}", "Parameters": { "question.$": "$.q" }, "End": true } } }
            """,
            Invoker(text => payload = text));

        var execution = await harness.RunAsync("""{ "q": "life" }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "answer": 42 }""", execution.Output);
        JsonAssert.Equivalent("""{ "question": "life" }""", payload);
    }

    [Fact]
    public void Load_UnsupportedResource_NamesTheStateAndListsWhatIsSupported()
    {
        var exception = Assert.Throws<AslLoadException>(() => StateMachine.Load(
            """{ "StartAt": "Put", "States": { "Put": { "Type": "Task", "Resource": "arn:aws:states:::s3:putObject", "End": true } } }""",
            new Dictionary<string, string>(),
            new HashSet<string> { LambdaInvokeTaskInvoker.Resource }));

        Assert.Contains("State \"Put\"", exception.Message);
        Assert.Contains("arn:aws:states:::s3:putObject", exception.Message);
        Assert.Contains("supported: arn:aws:states:::lambda:invoke", exception.Message);
        Assert.Contains("arn:aws:lambda:<region>:<account>:function:<name>", exception.Message);
    }
}
