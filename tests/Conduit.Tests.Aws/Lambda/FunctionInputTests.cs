using System.Text;
using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.Composition;
using Conduit.Aws.Lambda;
using Conduit.Core.Chat;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Ingress;
using Conduit.Workers;
using Microsoft.Extensions.DependencyInjection;

namespace Conduit.Tests.Aws.Lambda;

/// <summary>
/// Events that are not what their source documents, and a step that runs into its deadline, through the real
/// Function classes composed as on AWS: each is answered as AWS expects, never an unhandled serializer exception.
/// Nothing here reaches an AWS service; a malformed event is refused before any port is called.
/// </summary>
public sealed class FunctionInputTests : IDisposable
{
    private readonly StringWriter _log = new();
    private readonly ServiceProvider _services;

    public FunctionInputTests() => _services = new ServiceCollection()
        .AddConduitAws(new AwsEnvironment(name => Deployed.GetValueOrDefault(name)), _log)
        .AddIngressFunction()
        .AddWorkerFunctions()
        .BuildServiceProvider();

    private static Dictionary<string, string> Deployed { get; } = new()
    {
        [AwsEnvironment.Region] = "us-east-1",
        [AwsEnvironment.ConnectionsTable] = "c", [AwsEnvironment.SessionsTable] = "s", [AwsEnvironment.TurnsTable] = "t",
        [AwsEnvironment.MessagesTable] = "m", [AwsEnvironment.MessageKeysTable] = "k", [AwsEnvironment.FramesTable] = "f",
        [AwsEnvironment.SubscriptionsTable] = "sub", [AwsEnvironment.RateLimitsTable] = "rl",
        [AwsEnvironment.JwksUrl] = "https://127.0.0.1:1/jwks.json", [AwsEnvironment.JwtIssuer] = "i", [AwsEnvironment.JwtAudience] = "a",
        [AwsEnvironment.TurnQueueUrl] = "https://127.0.0.1:1/1/q",
        [AwsEnvironment.StateMachineArn] = "arn:aws:states:us-east-1:1:stateMachine:m",
        [AwsEnvironment.ConnectionsEndpoint] = "https://127.0.0.1:1/prod",
        [AwsEnvironment.ModelId] = "m",
    };

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"requestContext":{"routeKey":"$connect"}}""")]
    [InlineData("""{"requestContext":{"routeKey":"$connect","eventType":"CONNECT","connectionId":7}}""")]
    [InlineData("null")]
    public async Task Ingress_MalformedEvent_Answers400WithAnErrorFrameAndLogsItOnce(string json)
    {
        var response = await InvokeAsync(ConduitFunctions.Ingress, json);

        Assert.Equal(400, response.GetProperty("statusCode").GetInt32());
        using var frame = JsonDocument.Parse(response.GetProperty("body").GetString()!);
        Assert.Equal("error", frame.RootElement.GetProperty("type").GetString());
        Assert.Single(LogLines(), line => line.Contains("could not read its API Gateway WebSocket event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispatcher_EnvelopeWithAnUnreadableRecord_FailsTheRecordsItCanNameAndLogsOnce()
    {
        var response = await InvokeAsync(ConduitFunctions.Dispatcher, """
            {"Records":[{"messageId":"m-1","receiptHandle":"rh","body":"{}"},{"messageId":"m-2","receiptHandle":7}]}
            """);

        Assert.Equal(
            ["m-1", "m-2"],
            response.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()));
        Assert.Single(LogLines(), line => line.Contains("could not read its SQS event", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"records":[]}""")]
    public async Task Dispatcher_EventWithNoRecordToName_FailsTheWholeBatch(string json)
    {
        var response = await InvokeAsync(ConduitFunctions.Dispatcher, json);

        var failure = Assert.Single(response.GetProperty("batchItemFailures").EnumerateArray());
        Assert.Equal("", failure.GetProperty("itemIdentifier").GetString());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"rounds":[]}""")]
    public async Task WorkflowTask_StateThatIsNotAChatTurnState_FailsWithANamedError(string json)
    {
        await Assert.ThrowsAsync<MalformedEventException>(() => InvokeAsync(ConduitFunctions.BuildPrompt, json));

        Assert.Single(LogLines(), line => line.Contains("could not read its Step Functions task event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkflowTask_StepRunsIntoTheDeadline_FailsAsDeadlineExceeded()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var function = new WaitingFunction(_services.GetRequiredService<FunctionTelemetry>(), started);
        using var deadline = new CancellationTokenSource();
        await using var input = new MemoryStream(
            Encoding.UTF8.GetBytes("""{"turn":{"userId":"u","requestId":"r","sessionId":"s","connectionId":"c"}}"""));

        var running = function.HandleAsync(input, deadline.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await deadline.CancelAsync();

        var failure = await Assert.ThrowsAsync<DeadlineExceededException>(() => running);
        Assert.IsAssignableFrom<OperationCanceledException>(failure.InnerException);
        Assert.Equal("timeout", TurnErrors.Classify(nameof(DeadlineExceededException), "r").Code);
    }

    private async Task<JsonElement> InvokeAsync(FunctionDefinition function, string json)
    {
        await using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await using var output = await _services.GetLambdaFunction(function).HandleAsync(input, CancellationToken.None);
        using var document = await JsonDocument.ParseAsync(output);
        return document.RootElement.Clone();
    }

    private string[] LogLines() => _log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A workflow step that waits for its token, as a model stream does.</summary>
    private sealed class WaitingFunction(FunctionTelemetry telemetry, TaskCompletionSource started)
        : WorkflowFunction(ConduitFunctions.Stream, "streaming", async (state, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return state;
        }, telemetry);
}
