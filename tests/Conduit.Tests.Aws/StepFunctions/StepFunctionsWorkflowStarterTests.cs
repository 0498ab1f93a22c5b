using System.Text.Json;
using Conduit.Aws;
using Conduit.Aws.StepFunctions;
using Conduit.Core.Contracts;
using Conduit.Core.Ports;
using Conduit.Core.Serialization;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;

namespace Conduit.Tests.Aws.StepFunctions;

public sealed class StepFunctionsWorkflowStarterTests : IAsyncLifetime
{
    private const string StateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:conduit-chat-turn";

    private RecordingAwsServer _server = null!;
    private StepFunctionsWorkflowStarter _starter = null!;

    public async Task InitializeAsync()
    {
        _server = await RecordingAwsServer.StartAsync();
        _starter = new StepFunctionsWorkflowStarter(new StepFunctionsClient(AwsWire.Settings(_server)), StateMachineArn);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ChatTurnState State { get; } = new() { Turn = new TurnReference("u-1", "r-1", "s-1", "c-1") };

    private static string StateJson => JsonSerializer.Serialize(State, CoreJsonContext.Wire.ChatTurnState);

    /// <summary>The state as it stands inside the StartExecution body's "input" string.</summary>
    private static string EscapedStateJson => StateJson.Replace("\"", "\\\"", StringComparison.Ordinal);

    [Fact]
    public async Task StartAsync_NewExecution_ReturnsStartedWithTheReturnedArn()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                200,
                """{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:conduit-chat-turn:r-1","startDate":1767323045}"""));

        var start = await _starter.StartAsync("r-1", State, CancellationToken.None);

        Assert.Equal(
            new WorkflowStart(WorkflowStartStatus.Started, "arn:aws:states:us-east-1:123456789012:execution:conduit-chat-turn:r-1"), start);
        Assert.Equal(
            $$$"""{"stateMachineArn":"{{{StateMachineArn}}}","name":"r-1","input":"{{{EscapedStateJson}}}"}""",
            Assert.Single(_server.Requests).BodyText);
    }

    [Fact]
    public async Task StartAsync_ExecutionAlreadyExists_ReturnsAlreadyExistsWithTheUnconfirmedDerivedExecutionArn()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                400, """{"__type":"com.amazonaws.states#ExecutionAlreadyExists","message":"Execution Already Exists"}"""));

        var start = await _starter.StartAsync("r-1", State, CancellationToken.None);

        Assert.Equal(
            new WorkflowStart(WorkflowStartStatus.AlreadyExists, "arn:aws:states:us-east-1:123456789012:execution:conduit-chat-turn:r-1"),
            start);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task StartAsync_StateMachineDoesNotExist_Throws()
    {
        _server.Enqueue(
            ScriptedResponse.AwsJson(
                400, """{"__type":"com.amazonaws.states#StateMachineDoesNotExist","message":"State Machine Does Not Exist"}"""));

        await Assert.ThrowsAsync<AwsNotFoundException>(() => _starter.StartAsync("r-1", State, CancellationToken.None));
    }

    [Fact]
    public async Task StartAsync_ConflictOtherThanAlreadyExists_Throws()
    {
        _server.Enqueue(ScriptedResponse.AwsJson(400, """{"__type":"ConflictException","message":"Conflict"}"""));

        await Assert.ThrowsAsync<AwsConflictException>(() => _starter.StartAsync("r-1", State, CancellationToken.None));
    }

    [Theory]
    [InlineData("arn:aws-cn:states:cn-north-1:123456789012:stateMachine:sm", "arn:aws-cn:states:cn-north-1:123456789012:execution:sm:r-1")]
    [InlineData("arn:aws:states:us-east-1:123456789012:stateMachine:sm:1", null)]
    [InlineData("arn:aws:states:us-east-1:123456789012:stateMachine:sm:live", null)]
    [InlineData("not-an-arn", null)]
    public void ExecutionArn_StateMachineArn_DerivesTheUnconfirmedExecutionArnFormOnlyForUnqualifiedArns(
        string stateMachineArn, string? expected) =>
        Assert.Equal(expected, StepFunctionsWorkflowStarter.ExecutionArn(stateMachineArn, "r-1"));
}
