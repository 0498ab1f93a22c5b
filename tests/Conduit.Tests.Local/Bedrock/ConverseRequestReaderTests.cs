using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Local.Bedrock;
using Conduit.Local.Edge;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Local.Bedrock;

public sealed class ConverseRequestReaderTests
{
    [Fact]
    public void Read_AFullRequest_MapsMessagesSystemInferenceAndTools()
    {
        var (messages, options) = ConverseRequestReader.Read(Parse("""
            {
              "system": [{"text": "Be brief."}],
              "messages": [
                {"role": "user", "content": [{"text": "Weather?"}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "kb_lookup", "input": {"query": "mars"}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "Dusty."}], "status": "success"}}]}
              ],
              "inferenceConfig": {"maxTokens": 64, "temperature": 0.25, "topP": 0.5, "stopSequences": ["END"]},
              "toolConfig": {
                "tools": [{"toolSpec": {"name": "kb_lookup", "description": "Search.", "inputSchema": {"json": {"type": "object"}}}}],
                "toolChoice": {"tool": {"name": "kb_lookup"}}
              }
            }
            """));

        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        Assert.Equal("Be brief.", messages[0].Text);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(messages[2].Contents));
        Assert.Equal(("t1", "kb_lookup"), (call.CallId, call.Name));
        Assert.Equal("mars", ((JsonElement)call.Arguments!["query"]!).GetString());
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(messages[3].Contents));
        Assert.Equal(("t1", "Dusty."), (result.CallId, result.Result as string));
        Assert.Equal(64, options.MaxOutputTokens);
        Assert.Equal(0.25f, options.Temperature);
        Assert.Equal(0.5f, options.TopP);
        Assert.Equal(["END"], options.StopSequences!);
        var tool = Assert.IsAssignableFrom<AIFunctionDeclaration>(Assert.Single(options.Tools!));
        Assert.Equal(("kb_lookup", "Search.", "object"), (tool.Name, tool.Description, tool.JsonSchema.GetProperty("type").GetString()));
        Assert.Equal("kb_lookup", Assert.IsType<RequiredChatToolMode>(options.ToolMode).RequiredFunctionName);
    }

    [Theory]
    [InlineData("""{"image": {"format": "png", "source": {"bytes": "AQID"}}}""", "image")]
    [InlineData("""{"document": {"format": "pdf", "name": "d", "source": {"bytes": "AQID"}}}""", "document")]
    public void Read_AMediaBlock_IsAValidationException(string block, string kind)
    {
        var refused = Assert.Throws<AwsRestException>(() => ConverseRequestReader.Read(
            Parse($$"""{"messages": [{"role": "user", "content": [{{block}}]}]}""")));

        Assert.Equal((400, "ValidationException"), (refused.StatusCode, refused.ErrorType));
        Assert.Contains(kind, refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""", "messages")]
    [InlineData("""{"messages": []}""", "messages")]
    [InlineData("""{"messages": [{"role": "system", "content": [{"text": "x"}]}]}""", "messages.0.role")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"text": 3}]}]}""", "messages.0.content.0.text")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"maxTokens": 0}}""",
        "inferenceConfig.maxTokens")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"text": "x"}]}], "inferenceConfig": {"temperature": 1.5}}""",
        "inferenceConfig.temperature")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"text": "x"}]}], "toolConfig": {"tools": []}}""", "toolConfig.tools")]
    public void Read_AMemberBreakingItsConstraint_IsAValidationExceptionNamingIt(string body, string member)
    {
        var refused = Assert.Throws<AwsRestException>(() => ConverseRequestReader.Read(Parse(body)));

        Assert.Equal("ValidationException", refused.ErrorType);
        Assert.Contains($"'{member}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AConversationEndingOnTheAssistant_IsAValidationException() =>
        Assert.Equal("ValidationException", Assert.Throws<AwsRestException>(() => ConverseRequestReader.Read(Parse(
            """{"messages": [{"role": "user", "content": [{"text": "a"}]}, {"role": "assistant", "content": [{"text": "b"}]}]}""")))
            .ErrorType);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
