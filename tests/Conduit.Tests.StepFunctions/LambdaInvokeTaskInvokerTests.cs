using System.Text;
using System.Text.Json.Nodes;
using Conduit.Local.Lambda;
using Conduit.Local.StepFunctions;

namespace Conduit.Tests.StepFunctions;

public sealed class LambdaInvokeTaskInvokerTests
{
    private const string FunctionArn = "arn:aws:lambda:local:000000000000:function:answer";

    private static LambdaInvokeTaskInvoker InvokerFor(LambdaHandler handler) =>
        new(new Dictionary<string, LambdaHandler> { [FunctionArn] = handler });

    private static Task<JsonNode?> InvokeAsync(LambdaInvokeTaskInvoker invoker, string parametersJson) =>
        invoker.InvokeAsync(LambdaInvokeTaskInvoker.Resource, JsonNode.Parse(parametersJson), CancellationToken.None);

    private static Stream Utf8(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    private static async Task<JsonNode?> ReadJsonAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        return JsonNode.Parse(await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task InvokeAsync_HandlerReturnsJson_WrapsItAsLambdaInvokeResult()
    {
        JsonNode? received = null;
        var invoker = InvokerFor(async input =>
        {
            received = await ReadJsonAsync(input);
            return Utf8("""{ "answer": 42 }""");
        });

        var result = await InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}", "Payload": { "question": "?" } }""");

        JsonAssert.Equivalent("""{ "question": "?" }""", received?.ToJsonString());
        Assert.Equal("$LATEST", result?["ExecutedVersion"]?.GetValue<string>());
        JsonAssert.Equivalent("""{ "answer": 42 }""", result?["Payload"]?.ToJsonString());
        Assert.Equal(200, result?["StatusCode"]?.GetValue<int>());
    }

    [Fact]
    public async Task InvokeAsync_NoPayload_SendsEmptyObject()
    {
        JsonNode? received = null;
        var invoker = InvokerFor(async input =>
        {
            received = await ReadJsonAsync(input);
            return Utf8("null");
        });

        await InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}" }""");

        JsonAssert.Equivalent("{}", received?.ToJsonString());
    }

    [Fact]
    public async Task InvokeAsync_HandlerReturnsNothing_GivesNullPayload()
    {
        var invoker = InvokerFor(_ => Task.FromResult<Stream>(new MemoryStream()));

        var result = await InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}" }""");

        Assert.Null(result!["Payload"]);
        Assert.True(result.AsObject().ContainsKey("Payload"));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrowsAfterAwait_FailsWithTypeNameAndLambdaErrorReport()
    {
        var invoker = InvokerFor(async _ =>
        {
            await Task.Yield();
            throw new SimulatedThrottleException("The model is busy.");
        });

        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}" }"""));

        Assert.Equal(nameof(SimulatedThrottleException), failure.Error);
        var cause = JsonNode.Parse(failure.Cause!)!.AsObject();
        Assert.Equal(["errorMessage", "errorType", "stackTrace"], cause.Select(property => property.Key));
        Assert.Equal("The model is busy.", cause["errorMessage"]!.GetValue<string>());
        Assert.Equal(nameof(SimulatedThrottleException), cause["errorType"]!.GetValue<string>());
        Assert.Contains(cause["stackTrace"]!.AsArray(), line => line!.GetValue<string>().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrowsSynchronouslyWithInnerException_ReportsInnerAsCause()
    {
        var invoker = InvokerFor(_ => throw new InvalidOperationException("outer", new TimeoutException("inner")));

        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}" }"""));

        Assert.Equal(nameof(InvalidOperationException), failure.Error);
        var inner = JsonNode.Parse(failure.Cause!)!["cause"]!;
        Assert.Equal(nameof(TimeoutException), inner["errorType"]!.GetValue<string>());
        Assert.Equal("inner", inner["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvokeAsync_UnknownFunction_FailsWithResourceNotFound()
    {
        var invoker = InvokerFor(_ => Task.FromResult(Utf8("{}")));

        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync(invoker, """{ "FunctionName": "arn:aws:lambda:local:000000000000:function:missing" }"""));

        Assert.Equal("Lambda.ResourceNotFoundException", failure.Error);
        Assert.Contains("function:missing", failure.Cause);
    }

    [Fact]
    public async Task InvokeAsync_ResponseNotJson_FailsWithSdkClientException()
    {
        var invoker = InvokerFor(_ => Task.FromResult(Utf8("definitely { not json")));

        var failure = await Assert.ThrowsAsync<TaskFailedException>(
            () => InvokeAsync(invoker, $$"""{ "FunctionName": "{{FunctionArn}}" }"""));

        Assert.Equal("Lambda.SdkClientException", failure.Error);
        Assert.Contains("not valid JSON", failure.Cause);
    }

    [Fact]
    public async Task InvokeAsync_WithoutFunctionName_FailsWithStatesRuntime()
    {
        var invoker = InvokerFor(_ => Task.FromResult(Utf8("{}")));

        var failure = await Assert.ThrowsAsync<TaskFailedException>(() => InvokeAsync(invoker, """{ "Payload": {} }"""));

        Assert.Equal(StatesErrors.Runtime, failure.Error);
    }

    [Fact]
    public async Task Workflow_HandlerExceptionTypeName_DrivesRetryAndPayloadFlowsThroughOutputPath()
    {
        var calls = 0;
        var invoker = InvokerFor(async input =>
        {
            var state = (await ReadJsonAsync(input))!.AsObject();
            if (Interlocked.Increment(ref calls) == 1) throw new SimulatedThrottleException("busy");
            state["answered"] = true;
            return Utf8(state.ToJsonString());
        });
        await using var harness = EmulatorHarness.Create(
            Definitions.SingleTask("""
                { "Parameters": { "FunctionName": "${AnswerFunctionArn}", "Payload.$": "$" },
                  "OutputPath": "$.Payload",
                  "Retry": [ { "ErrorEquals": ["SimulatedThrottleException"], "IntervalSeconds": 2, "MaxAttempts": 2 } ] }
                """),
            invoker,
            substitutions: new Dictionary<string, string> { ["AnswerFunctionArn"] = FunctionArn });

        var execution = await harness.RunAsync("""{ "turn": 7 }""");

        Assert.Equal(ExecutionStatus.Succeeded, execution.Status);
        JsonAssert.Equivalent("""{ "turn": 7, "answered": true }""", execution.Output);
        Assert.Equal([TimeSpan.FromSeconds(2)], harness.Time.RequestedDelays);
        Assert.Equal(2, calls);
    }

    private sealed class SimulatedThrottleException(string message) : Exception(message);
}
