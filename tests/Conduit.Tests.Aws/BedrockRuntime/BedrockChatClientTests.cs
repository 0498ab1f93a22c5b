using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Aws;
using Conduit.Aws.BedrockRuntime;
using Conduit.Core.Chat;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Aws.BedrockRuntime;

public sealed class BedrockChatClientTests : IAsyncLifetime
{
    private const string ModelId = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private const string ToolSchema = """{"type":"object","properties":{"query":{"type":"string","description":"What to search for, in a """
        + """few words."}},"required":["query"]}""";
    private const string Answer = """
        {"output":{"message":{"role":"assistant","content":[{"text":"Conduit streams tokens."}]}},
         "stopReason":"end_turn","usage":{"inputTokens":30,"outputTokens":4,"totalTokens":34},"metrics":{"latencyMs":350}}
        """;

    private RecordingAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> ModelIds => new()
    {
        { ModelId, "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse" },
        {
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile"
            + "%2Fus.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"
        },
    };

    [Theory]
    [MemberData(nameof(ModelIds))]
    public async Task GetResponseAsync_ModelId_PostsToItsPercentEncodedPathSegmentSignedForBedrock(string modelId, string rawTarget)
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), modelId);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(rawTarget, request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "bedrock");
        Assert.Equal(modelId, response.ModelId);
    }

    [Fact]
    public async Task GetResponseAsync_ToolRoundConversation_SendsSystemAlternatingTurnsToolResultAsUserAndToolConfig()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(
            AwsWire.Settings(_server), ModelId, new BedrockModelOptions { MaxTokens = 2048, Temperature = 0.5f });
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You answer questions about Conduit."),
            new(ChatRole.User, "Hello."),
            new(ChatRole.User, "How are tokens streamed?"),
            new(ChatRole.Assistant,
                [
                    new FunctionCallContent(
                        "tooluse_1", KnowledgeLookupTool.Name, new Dictionary<string, object?> { ["query"] = "token streaming" }),
                ]),
            new(ChatRole.Tool, [new FunctionResultContent("tooluse_1", """{"passages":[]}""")]),
            new(ChatRole.User, "Answer briefly."),
        ];
        var options = new ChatOptions
        {
            Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.Auto, TopP = 0.9f, StopSequences = ["END"],
        };

        await client.GetResponseAsync(messages, options);

        AssertBody("""
            {
              "messages": [
                {"role":"user","content":[{"text":"Hello."},{"text":"How are tokens streamed?"}]},
                {"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_1","name":"kb_lookup",
                "input":{"query":"token streaming"}}}]},
                {"role":"user","content":[
                  {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"{\"passages\":[]}"}],"status":"success"}},
                  {"text":"Answer briefly."}]}
              ],
              "system": [{"text":"You answer questions about Conduit."}],
              "inferenceConfig": {"maxTokens":2048,"temperature":0.5,"topP":0.9,"stopSequences":["END"]},
              "toolConfig": {
                "tools": [{"toolSpec":{"name":"kb_lookup","description":"DESCRIPTION","inputSchema":{"json":SCHEMA}}}],
                "toolChoice": {"auto":{}}
              }
            }
            """
                .Replace("DESCRIPTION", KnowledgeLookupTool.Declaration.Description, StringComparison.Ordinal)
                .Replace("SCHEMA", ToolSchema, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_NoOptions_AlwaysSendsTheDefaultMaxTokensAndNoToolConfig()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        AssertBody("""{"messages":[{"role":"user","content":[{"text":"Hi"}]}],"inferenceConfig":{"maxTokens":1024}}""");
    }

    [Fact]
    public async Task GetResponseAsync_MaxOutputTokensGiven_OverridesTheDefault()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { MaxOutputTokens = 300 });

        Assert.Equal(300, SentBody()["inferenceConfig"]!["maxTokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task GetResponseAsync_ConversationOpensWithAssistant_DropsTurnsBeforeTheFirstUserTurn()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(
            [new(ChatRole.Assistant, "Welcome back."), new(ChatRole.User, "Hi"), new(ChatRole.Assistant, "Hello.")]);

        Assert.Equal(["user", "assistant"], SentBody()["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
    }

    public static TheoryData<string, string?> ToolModes => new()
    {
        { "auto", """{"auto":{}}""" },
        { "any", """{"any":{}}""" },
        { "specific", """{"tool":{"name":"kb_lookup"}}""" },
        { "unset", null },
    };

    [Theory]
    [MemberData(nameof(ToolModes))]
    public async Task GetResponseAsync_ToolMode_SendsTheMatchingToolChoice(string mode, string? toolChoice)
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);
        var options = new ChatOptions
        {
            Tools = [KnowledgeLookupTool.Declaration],
            ToolMode = mode switch
            {
                "auto" => ChatToolMode.Auto,
                "any" => ChatToolMode.RequireAny,
                "specific" => ChatToolMode.RequireSpecific(KnowledgeLookupTool.Name),
                _ => null,
            },
        };

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], options);

        var toolConfig = SentBody()["toolConfig"]!.AsObject();
        Assert.Equal(KnowledgeLookupTool.Name, toolConfig["tools"]![0]!["toolSpec"]!["name"]!.GetValue<string>());
        Assert.True(
            JsonNode.DeepEquals(toolChoice is null ? null : JsonNode.Parse(toolChoice), toolConfig["toolChoice"]),
            toolConfig.ToJsonString());
    }

    [Fact]
    public async Task GetResponseAsync_ToolModeNoneWithoutToolBlocks_OmitsToolConfig()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Hi")],
            new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.None });

        Assert.False(SentBody().ContainsKey("toolConfig"));
    }

    [Fact]
    public async Task GetResponseAsync_ToolModeNoneWithToolBlocks_KeepsTheDeclaredToolsWithoutToolChoice()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(
            ToolRound(), new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.None });

        var toolConfig = SentBody()["toolConfig"]!.AsObject();
        Assert.Equal(["tools"], toolConfig.Select(p => p.Key));
        Assert.Equal(KnowledgeLookupTool.Declaration.Description, toolConfig["tools"]![0]!["toolSpec"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetResponseAsync_ToolBlocksButNoToolsDeclared_DeclaresTheUsedToolsWithAnOpenSchema()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(ToolRound(), new ChatOptions { MaxOutputTokens = 500 });

        var toolConfig = SentBody()["toolConfig"]!.AsObject();
        Assert.False(toolConfig.ContainsKey("toolChoice"));
        var spec = Assert.Single(toolConfig["tools"]!.AsArray())!["toolSpec"]!;
        Assert.Equal(KnowledgeLookupTool.Name, spec["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"json":{"type":"object"}}"""), spec["inputSchema"]));
    }

    [Fact]
    public async Task GetResponseAsync_FailedToolResult_SendsErrorStatusWithTheExceptionMessage()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(ToolRound(
            new FunctionCallContent("tooluse_2", KnowledgeLookupTool.Name, new Dictionary<string, object?> { ["query"] = "x" }),
            new FunctionResultContent("tooluse_2", null) { Exception = new InvalidOperationException("Index unavailable.") }));

        var result = SentBody()["messages"]![2]!["content"]![0]!["toolResult"]!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"toolUseId":"tooluse_2","content":[{"text":"Index unavailable."}]"""
                + ""","status":"error"}"""), result), result.ToJsonString());
    }

    [Fact]
    public async Task GetResponseAsync_ObjectToolResult_SendsItAsJsonText()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        await client.GetResponseAsync(ToolRound(
            new FunctionCallContent("tooluse_3", "counter", null),
            new FunctionResultContent("tooluse_3", new Dictionary<string, object?> { ["count"] = 2, ["unit"] = "passages" })));

        var sent = SentBody()["messages"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{}"), sent[1]!["content"]![0]!["toolUse"]!["input"]));
        var text = sent[2]!["content"]![0]!["toolResult"]!["content"]![0]!["text"]!.GetValue<string>();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"count":2,"unit":"passages"}"""), JsonNode.Parse(text)), text);
    }

    [Fact]
    public async Task GetResponseAsync_TextAndToolUseAnswer_MapsContentsFinishReasonUsageAndRequestId()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"output":{"message":{"role":"assistant","content":[
               {"text":"Let me check."},
               {"toolUse":{"toolUseId":"tooluse_9","name":"kb_lookup","input":{"query":"retry policy","limit":3}}}]}},
             "stopReason":"tool_use","usage":{"inputTokens":120,"outputTokens":40,"totalTokens":160,"cacheReadInputTokens":100},
             "metrics":{"latencyMs":801},"p":"padding"}
            """, new Dictionary<string, string> { ["x-amzn-RequestId"] = "req-123" }));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal("Let me check.", Assert.IsType<TextContent>(message.Contents[0]).Text);
        var call = Assert.IsType<FunctionCallContent>(message.Contents[1]);
        Assert.Equal(("tooluse_9", "kb_lookup"), (call.CallId, call.Name));
        Assert.Equal("retry policy", KnowledgeLookupTool.ReadQuery(call.Arguments));
        Assert.Equal(3, Assert.IsType<JsonElement>(call.Arguments!["limit"]).GetInt32());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(
            (120L, 40L, 160L, 100L),
            (
                response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount,
                response.Usage.CachedInputTokenCount));
        Assert.Equal(("req-123", ModelId), (response.ResponseId, response.ModelId));
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("max_tokens", "length")]
    [InlineData("content_filtered", "content_filter")]
    [InlineData("guardrail_intervened", "content_filter")]
    [InlineData("model_context_window_exceeded", "model_context_window_exceeded")]
    public async Task GetResponseAsync_StopReason_MapsToFinishReason(string stopReason, string finishReason)
    {
        _server.Enqueue(ScriptedResponse.Json(200, Answer.Replace("end_turn", stopReason, StringComparison.Ordinal)));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]);

        Assert.Equal(finishReason, response.FinishReason?.Value);
    }

    [Fact]
    public async Task GetResponseAsync_Http429ThrottlingOnEveryAttempt_ThrowsModelThrottledWithTheServiceErrorInside()
    {
        var throttled = BedrockError(429, "ThrottlingException", "Too many requests, please wait before trying again.");
        _server.Enqueue(throttled, throttled, throttled, throttled);
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var exception = await Assert.ThrowsAsync<ModelThrottledException>(
            () => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        var inner = Assert.IsType<AwsThrottlingException>(exception.InnerException);
        Assert.Equal(("ThrottlingException", HttpStatusCode.TooManyRequests), (inner.ErrorType, inner.StatusCode));
    }

    [Fact]
    public async Task GetResponseAsync_Http429ModelNotReadyOnEveryAttempt_ThrowsModelThrottled()
    {
        var notReady = BedrockError(429, "ModelNotReadyException", "The model is not ready.");
        _server.Enqueue(notReady, notReady, notReady, notReady);
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var exception = await Assert.ThrowsAsync<ModelThrottledException>(
            () => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.Equal("ModelNotReadyException", Assert.IsType<AwsThrottlingException>(exception.InnerException).ErrorType);
    }

    [Theory]
    [InlineData(400, "ValidationException", typeof(AwsValidationException))]
    [InlineData(403, "AccessDeniedException", typeof(AwsAccessDeniedException))]
    [InlineData(404, "ResourceNotFoundException", typeof(AwsNotFoundException))]
    public async Task GetResponseAsync_ErrorAnswer_ThrowsTheTypedServiceError(int status, string errorType, Type exceptionType)
    {
        _server.Enqueue(BedrockError(status, errorType, "Something about the request."));
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var exception = await Assert.ThrowsAnyAsync<AwsServiceException>(
            () => client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]));

        Assert.IsType(exceptionType, exception);
        Assert.Equal(
            (errorType, (HttpStatusCode)status, "Something about the request."),
            (exception.ErrorType, exception.StatusCode, exception.Message));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void GetService_ChatClientMetadata_NamesBedrockAndTheModel()
    {
        using var client = new BedrockChatClient(AwsWire.Settings(_server), ModelId);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal(("aws.bedrock", ModelId), (metadata?.ProviderName, metadata?.DefaultModelId));
    }

    private static ChatMessage[] ToolRound() => ToolRound(
        new FunctionCallContent("tooluse_1", KnowledgeLookupTool.Name, new Dictionary<string, object?> { ["query"] = "token streaming" }),
        new FunctionResultContent("tooluse_1", """{"passages":[]}"""));

    private static ChatMessage[] ToolRound(FunctionCallContent call, FunctionResultContent result) =>
    [
        new(ChatRole.User, "How are tokens streamed?"),
        new(ChatRole.Assistant, [call]),
        new(ChatRole.Tool, [result]),
    ];

    private static ScriptedResponse BedrockError(int status, string errorType, string message) =>
        ScriptedResponse.Json(status, $$"""{"message":"{{message}}"}""",
            new Dictionary<string, string> { ["X-Amzn-ErrorType"] = $"{errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/" });

    private JsonObject SentBody() => JsonNode.Parse(Assert.Single(_server.Requests).Body)!.AsObject();

    private void AssertBody(string expected)
    {
        var sent = SentBody();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), sent), sent.ToJsonString());
    }
}
