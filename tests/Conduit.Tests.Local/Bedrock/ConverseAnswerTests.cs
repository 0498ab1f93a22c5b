using System.Text.Json.Nodes;
using Conduit.Local.Bedrock;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Local.Bedrock;

public sealed class ConverseAnswerTests
{
    [Fact]
    public void Converse_TextAndAToolCall_AreTextAndToolUseBlocksStoppingForTools()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [
            new TextContent("Let me "),
            new TextContent("look."),
            new FunctionCallContent("c1", "kb_lookup", new Dictionary<string, object?> { ["query"] = "mars" }),
        ]))
        {
            FinishReason = ChatFinishReason.ToolCalls,
            Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3 },
        };

        var answer = ConverseAnswer.Converse(response, latencyMs: 12);

        var expected = JsonNode.Parse("""
            {
              "output": {"message": {"role": "assistant", "content": [
                {"text": "Let me look."},
                {"toolUse": {"toolUseId": "c1", "name": "kb_lookup", "input": {"query": "mars"}}}
              ]}},
              "stopReason": "tool_use",
              "usage": {"inputTokens": 7, "outputTokens": 3, "totalTokens": 10},
              "metrics": {"latencyMs": 12}
            }
            """)!;
        Assert.Equal(expected.ToJsonString(), answer.ToJsonString());
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "content_filtered")]
    [InlineData("stop_sequence", "stop_sequence")]
    public void StopReason_TheModelsReason_IsBedrocksWord(string reason, string stopReason) =>
        Assert.Equal(stopReason, ConverseAnswer.StopReason(new ChatFinishReason(reason), calledTools: false));

    [Fact]
    public void StopReason_NoReasonButToolCalls_IsToolUse() => Assert.Equal("tool_use", ConverseAnswer.StopReason(null, calledTools: true));
}
