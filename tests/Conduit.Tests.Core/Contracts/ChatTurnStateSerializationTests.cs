using System.Text.Json;
using Conduit.Core.Contracts;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Tests.Core.Contracts;

/// <summary>The workflow state crosses every Task boundary as JSON; what a worker writes, the next must read.</summary>
public sealed class ChatTurnStateSerializationTests
{
    [Fact]
    public void RoundTrip_StateWithEveryPartAndNullOptionals_IsUnchanged()
    {
        var state = new ChatTurnState
        {
            Turn = new TurnReference("u1", "r1", "s1", "c1="),
            Prompt = new PromptWindow(1, 3, 3, 0),
            Plan = new PlanDecision(PlanActions.Retrieve, 1, [new ToolCall("call-1", "kb_lookup", "dispatcher")]),
            Rounds = [new ToolRound(
                [new ToolCall("call-1", "kb_lookup", "dispatcher")],
                [new ToolResult("call-1", [new PassageRecord("a.md", "A", "text", 1.5)])])],
            Usage = new TokenUsage(10, 2),
            Outcome = new TurnOutcome("end_turn", "offline", 4),
            Error = new WorkflowError("States.Timeout", null),
        };

        var json = JsonSerializer.Serialize(state, CoreJsonContext.Wire.ChatTurnState);
        var read = JsonSerializer.Deserialize(json, CoreJsonContext.Wire.ChatTurnState)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, CoreJsonContext.Wire.ChatTurnState));
        Assert.Contains("\"error\":{\"Error\":\"States.Timeout\",\"Cause\":null}", json);
        Assert.Null(read.Rounds[0].Results[0].Error);
    }

    [Fact]
    public void Deserialize_DispatcherInput_HasDefaultsForEveryLaterPart()
    {
        var read = JsonSerializer.Deserialize(
            """{"turn":{"userId":"u","requestId":"r","sessionId":"s","connectionId":"c"}}""", CoreJsonContext.Wire.ChatTurnState)!;

        Assert.Empty(read.Rounds);
        Assert.Equal(TokenUsage.Zero, read.Usage);
        Assert.Null(read.Prompt);
    }

    [Fact]
    public void Deserialize_TurnReferenceMissingAField_Throws() =>
        Assert.Throws<JsonException>(
            () => JsonSerializer.Deserialize(
                """{"turn":{"userId":"u","requestId":"r","sessionId":"s"}}""", CoreJsonContext.Wire.ChatTurnState));
}
