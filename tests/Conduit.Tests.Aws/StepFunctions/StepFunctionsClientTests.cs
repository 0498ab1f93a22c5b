using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.StepFunctions;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.StepFunctions;

public sealed class StepFunctionsClientTests : IAsyncLifetime
{
    private const string StateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:conduit-chat-turn";
    private const string ExecutionArn = "arn:aws:states:us-east-1:123456789012:execution:conduit-chat-turn:r-1";
    private const string Started = $$"""{"executionArn":"{{ExecutionArn}}","startDate":1767323045.123}""";

    private RecordingAwsServer _server = null!;
    private StepFunctionsClient _stepFunctions = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _stepFunctions = new StepFunctionsClient(AwsWire.Settings(_server));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StartExecutionAsync_Request_PostsAwsJsonWithTheInputAsAString()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Started));

        await _stepFunctions.StartExecutionAsync(
            StateMachineArn, "r-1", """{"turn":{"requestId":"r-1"}}""", "Root=1-5759e988-bd862e3fe1be46a994272793", CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        AssertAwsJsonCall(request, "StartExecution");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(StateMachineArn, body.RootElement.GetProperty("stateMachineArn").GetString());
        Assert.Equal("r-1", body.RootElement.GetProperty("name").GetString());
        Assert.Equal("""{"turn":{"requestId":"r-1"}}""", body.RootElement.GetProperty("input").GetString());
        Assert.Equal("Root=1-5759e988-bd862e3fe1be46a994272793", body.RootElement.GetProperty("traceHeader").GetString());
    }

    [Fact]
    public async Task StartExecutionAsync_NoTraceHeader_OmitsTheMember()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Started));

        await _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None);

        using var body = JsonDocument.Parse(Assert.Single(_server.Requests).Body);
        Assert.Equal(["stateMachineArn", "name", "input"], body.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task StartExecutionAsync_Success_ReturnsTheArnAndTheFractionalEpochStartDate()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, Started));

        var started = await _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None);

        Assert.Equal(new StepFunctionsExecutionStart(ExecutionArn, DateTimeOffset.Parse("2026-01-02T03:04:05.123Z")), started);
    }

    [Fact]
    public async Task StartExecutionAsync_AnswerWithoutExecutionArn_ThrowsJsonException()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """{"startDate":1767323045}"""));

        await Assert.ThrowsAsync<JsonException>(
            () => _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None));
    }

    [Fact]
    public async Task StartExecutionAsync_ExecutionAlreadyExists_ThrowsConflict()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                400,
                $$"""{"__type":"com.amazonaws.states#ExecutionAlreadyExists","message":"Execution Already Exists: '{{ExecutionArn}}'"}"""));

        var exception = await Assert.ThrowsAsync<AwsConflictException>(
            () => _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None));

        Assert.Equal("ExecutionAlreadyExists", exception.ErrorType);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task StopExecutionAsync_Request_SendsArnErrorAndCauseAndReturnsTheStopDate()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """{"stopDate":1767323100.5}"""));

        var stopped = await _stepFunctions.StopExecutionAsync(
            ExecutionArn, "Cancelled", "The client cancelled the turn.", CancellationToken.None);

        Assert.Equal(DateTimeOffset.Parse("2026-01-02T03:05:00.5Z"), stopped);
        var request = Assert.Single(_server.Requests);
        AssertAwsJsonCall(request, "StopExecution");
        Assert.Equal(
            $$"""{"executionArn":"{{ExecutionArn}}","error":"Cancelled","cause":"The client cancelled the turn."}""",
            request.BodyText);
    }

    [Fact]
    public async Task StopExecutionAsync_NoErrorOrCause_SendsOnlyTheArn()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, """{"stopDate":1767323100}"""));

        await _stepFunctions.StopExecutionAsync(ExecutionArn, null, null, CancellationToken.None);

        Assert.Equal($$"""{"executionArn":"{{ExecutionArn}}"}""", Assert.Single(_server.Requests).BodyText);
    }

    [Fact]
    public async Task StopExecutionAsync_ExecutionDoesNotExist_ThrowsNotFound()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                400, """{"__type":"com.amazonaws.states#ExecutionDoesNotExist","message":"Execution Does Not Exist"}"""));

        var exception = await Assert.ThrowsAsync<AwsNotFoundException>(
            () => _stepFunctions.StopExecutionAsync(ExecutionArn, null, null, CancellationToken.None));

        Assert.Equal("ExecutionDoesNotExist", exception.ErrorType);
    }

    [Fact]
    public async Task DescribeExecutionAsync_FailedExecution_ReturnsEveryMember()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, $$$"""
            {"executionArn":"{{{ExecutionArn}}}","stateMachineArn":"{{{StateMachineArn}}}","name":"r-1","status":"FAILED",
             "startDate":1767323045.123,"stopDate":1767323046,"input":"{\"turn\":{}}","inputDetails":{"included":true},
             "error":"ModelThrottledException","cause":"Rate exceeded","redriveCount":0,"redriveStatus":"REDRIVABLE"}
            """));

        var execution = await _stepFunctions.DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal(
            new StepFunctionsExecution(ExecutionArn, StateMachineArn, "r-1", "FAILED",
                DateTimeOffset.Parse("2026-01-02T03:04:05.123Z"), DateTimeOffset.Parse("2026-01-02T03:04:06Z"),
                """{"turn":{}}""", null, "ModelThrottledException", "Rate exceeded"),
            execution);
        var request = Assert.Single(_server.Requests);
        AssertAwsJsonCall(request, "DescribeExecution");
        Assert.Equal($$"""{"executionArn":"{{ExecutionArn}}"}""", request.BodyText);
    }

    [Fact]
    public async Task DescribeExecutionAsync_RunningExecution_HasNoStopDateOrOutput()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, $$"""
            {"executionArn":"{{ExecutionArn}}","stateMachineArn":"{{StateMachineArn}}","status":"RUNNING","startDate":1767323045}
            """));

        var execution = await _stepFunctions.DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal("RUNNING", execution.Status);
        Assert.Null(execution.StopDate);
        Assert.Null(execution.Output);
        Assert.Null(execution.Name);
    }

    [Fact]
    public async Task DescribeExecutionAsync_SucceededExecution_ReturnsTheOutput()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(200, $$"""
            {"executionArn":"{{ExecutionArn}}","stateMachineArn":"{{StateMachineArn}}","status":"SUCCEEDED","startDate":1767323045,
             "stopDate":1767323050,"output":"{\"done\":true}"}
            """));

        var execution = await _stepFunctions.DescribeExecutionAsync(ExecutionArn, CancellationToken.None);

        Assert.Equal("SUCCEEDED", execution.Status);
        Assert.Equal("""{"done":true}""", execution.Output);
    }

    [Theory]
    [MemberData(nameof(AwsWire.ErrorShapes), MemberType = typeof(AwsWire))]
    public Task DescribeExecutionAsync_ErrorShape_ThrowsTheTypedException(
        string shape, Type exceptionType, string errorType, string message) =>
        AwsWire.AssertErrorShapeAsync(_server, shape, exceptionType, errorType, message,
            () => _stepFunctions.DescribeExecutionAsync(ExecutionArn, CancellationToken.None));

    [Fact]
    public async Task StartExecutionAsync_ServerErrorThenSuccess_ReturnsTheExecutionAfterTwoRequests()
    {
        _server.Enqueue(AwsWire.InternalError(), ScriptedResponse.AwsJson(200, Started));

        var started = await _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None);

        Assert.Equal(ExecutionArn, started.ExecutionArn);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].BodyText, _server.Requests[1].BodyText);
    }

    [Fact]
    public async Task StartExecutionAsync_ThrottledOnEveryAttempt_ThrowsThrottlingAfterMaxAttempts()
    {
        _server.Enqueue(AwsWire.Throttled(), AwsWire.Throttled(), AwsWire.Throttled(), AwsWire.Throttled());

        await Assert.ThrowsAsync<AwsThrottlingException>(
            () => _stepFunctions.StartExecutionAsync(StateMachineArn, "r-1", "{}", null, CancellationToken.None));

        Assert.Equal(4, _server.Requests.Count);
    }

    private static void AssertAwsJsonCall(RecordedRequest request, string operation)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal($"AWSStepFunctions.{operation}", request.Header("X-Amz-Target"));
        Assert.Equal("application/x-amz-json-1.0", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "states");
    }
}
