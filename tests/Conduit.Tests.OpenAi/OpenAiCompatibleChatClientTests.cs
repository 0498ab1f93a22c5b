using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conduit.Core.Chat;
using Conduit.OpenAi;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.OpenAi;

public sealed class OpenAiCompatibleChatClientTests : IAsyncLifetime
{
    private const string Model = "qwen2.5:0.5b";
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "What is Conduit?")];

    private RecordingAwsServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolRound_PostsOpenAiShapedBody()
    {
        _server.Enqueue(EventStream(Chunk("""{"content":"ok"}""", "stop") + Done));
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "What is Conduit?"),
            new(
                ChatRole.Assistant,
                [new FunctionCallContent("call_1", "kb_lookup", new Dictionary<string, object?> { ["query"] = "conduit" })]),
            new(
                ChatRole.Tool,
                [new FunctionResultContent("call_1", """{"passages":[]}"""), new FunctionResultContent("call_2", "nothing")]),
        };
        var options = new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = ChatToolMode.Auto };

        await Drain(Client(new OpenAiCompatibleOptions { ApiKey = "sk-local" }).GetStreamingResponseAsync(messages, options));

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/chat/completions", request.RawTarget);
        Assert.Equal("Bearer sk-local", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal("text/event-stream", request.Header("Accept"));
        var body = JsonNode.Parse(request.BodyText)!;
        Assert.Equal(Model, (string?)body["model"]);
        Assert.Equal(1024, (int?)body["max_tokens"]);
        Assert.True((bool?)body["stream"]);
        Assert.True((bool?)body["stream_options"]!["include_usage"]);
        Assert.Equal("auto", (string?)body["tool_choice"]);
        AssertJson("""
            [
              {"role":"system","content":"Be brief."},
              {"role":"user","content":"What is Conduit?"},
              {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"kb_lookup",
              "arguments":"{\"query\":\"conduit\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"{\"passages\":[]}"},
              {"role":"tool","tool_call_id":"call_2","content":"nothing"}
            ]
            """, body["messages"]);
        AssertJson($$$"""
            [{"type":"function","function":{"name":"kb_lookup",
            "description":{{{JsonSerializer.Serialize(KnowledgeLookupTool.Declaration.Description)}}},
            "parameters":{{{KnowledgeLookupTool.Declaration.JsonSchema.GetRawText()}}}}}]
            """, body["tools"]);
    }

    [Fact]
    public async Task GetResponseAsync_NoApiKeyAndNoStreaming_SendsNeitherAuthorizationNorStreamFlags()
    {
        _server.Enqueue(ScriptedResponse.Json(200, TextCompletion("Hi.")));

        await Client(new OpenAiCompatibleOptions { MaxTokens = 256, Temperature = 0.2f }).GetResponseAsync(Question);

        var request = Assert.Single(_server.Requests);
        Assert.Null(request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        var body = JsonNode.Parse(request.BodyText)!.AsObject();
        Assert.Equal(256, (int?)body["max_tokens"]);
        Assert.Equal(0.2, (double)body["temperature"]!, 5);
        Assert.False(body.ContainsKey("stream"));
        Assert.False(body.ContainsKey("stream_options"));
        Assert.False(body.ContainsKey("tools"));
        Assert.False(body.ContainsKey("tool_choice"));
    }

    [Fact]
    public async Task GetResponseAsync_ChatOptionsSetLimitsAndModel_OverrideClientDefaults()
    {
        _server.Enqueue(ScriptedResponse.Json(200, TextCompletion("Hi.")));
        var options = new ChatOptions { MaxOutputTokens = 64, Temperature = 0.7f, ModelId = "llama3.2:1b" };

        await Client(new OpenAiCompatibleOptions { Temperature = 0.2f }).GetResponseAsync(Question, options);

        var body = JsonNode.Parse(Assert.Single(_server.Requests).BodyText)!;
        Assert.Equal(64, (int?)body["max_tokens"]);
        Assert.Equal(0.7, (double)body["temperature"]!, 5);
        Assert.Equal("llama3.2:1b", (string?)body["model"]);
    }

    public static TheoryData<string, string> ToolModes => new()
    {
        { "none", "\"none\"" },
        { "auto", "\"auto\"" },
        { "require-any", "\"required\"" },
        { "require-kb_lookup", """{"type":"function","function":{"name":"kb_lookup"}}""" },
    };

    [Theory]
    [MemberData(nameof(ToolModes))]
    public async Task GetResponseAsync_ToolMode_SendsMatchingToolChoice(string mode, string expectedToolChoice)
    {
        _server.Enqueue(ScriptedResponse.Json(200, TextCompletion("Hi.")));
        ChatToolMode toolMode = mode switch
        {
            "none" => ChatToolMode.None,
            "auto" => ChatToolMode.Auto,
            "require-any" => ChatToolMode.RequireAny,
            _ => ChatToolMode.RequireSpecific(KnowledgeLookupTool.Name),
        };

        await Client().GetResponseAsync(Question, new ChatOptions { Tools = [KnowledgeLookupTool.Declaration], ToolMode = toolMode });

        AssertJson(expectedToolChoice, JsonNode.Parse(Assert.Single(_server.Requests).BodyText)!["tool_choice"]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_EventsSplitAcrossChunkBoundaries_YieldsEachDeltaAndUsage()
    {
        var sse = ": keep-alive\n\n"
            + Chunk("""{"role":"assistant","content":"Hel"}""")
            + Chunk("""{"content":"lo, "}""")
            + Chunk("""{"content":"wörld 🌍"}""")
            + Chunk("{}", "stop")
            + Usage(12, 5)
            + Done;
        _server.Enqueue(EventStream(sse, chunkSize: 7));

        var updates = await Drain(Client().GetStreamingResponseAsync(Question));

        Assert.Equal(["Hel", "lo, ", "wörld 🌍"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.Equal(ChatFinishReason.Stop, Assert.Single(updates, u => u.FinishReason is not null).FinishReason);
        Assert.All(updates, u => Assert.Equal(Model, u.ModelId));
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal((12L, 5L, 17L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CrLfLineEnds_ParsesEvents()
    {
        _server.Enqueue(
            EventStream(
                (Chunk("""{"content":"one"}""") + Chunk("""{"content":" two"}""", "length") + Done).Replace(
                    "\n", "\r\n", StringComparison.Ordinal)));

        var response = (await Drain(Client().GetStreamingResponseAsync(Question))).ToChatResponse();

        Assert.Equal("one two", response.Text);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallArgumentsInPieces_EmitsOneCallPerIndexAtTheEnd()
    {
        var sse = Chunk("""{"role":"assistant","tool_calls":[{"index":0"""
            + ""","id":"call_a","type":"function","function":{"name":"kb_lookup","arguments":""}}]}""")
            + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"qu"}}]}""")
            + Chunk("""{"tool_calls":[{"index":1"""
                + ""","id":"call_b","type":"function","function":{"name":"kb_lookup","arguments":"{\"query\":"}}]}""")
            + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"ery\": \"sse fr"}}]}""")
            + Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"\"queues\"}"}}]}""")
            + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"aming\"}"}}]}""")
            + Chunk("{}", "tool_calls")
            + Done;
        _server.Enqueue(EventStream(sse, chunkSize: 11));

        var updates = await Drain(Client().GetStreamingResponseAsync(Question));

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.All(updates.Take(updates.Count - 1), u => Assert.Empty(u.Contents.OfType<FunctionCallContent>()));
        Assert.Equal(
            [("call_a", "kb_lookup", "sse framing"), ("call_b", "kb_lookup", "queues")],
            calls.Select(c => (c.CallId, c.Name, KnowledgeLookupTool.ReadQuery(c.Arguments))));
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallFragmentsWithoutIndex_StartsANewCallOnEachNewId()
    {
        var sse = Chunk("""{"tool_calls":[{"id":"call_a","type":"function","function":{"name":"kb_lookup","arguments":"{\"query\":"}}]}""")
            + Chunk("""{"tool_calls":[{"function":{"arguments":"\"one\"}"}}]}""")
            + Chunk(
                """{"tool_calls":[{"id":"call_b","type":"function","function":{"name":"kb_lookup","arguments":"{\"query\":\"two\"}"}}]}""",
                "tool_calls")
            + Done;
        _server.Enqueue(EventStream(sse));

        var updates = await Drain(Client().GetStreamingResponseAsync(Question));

        Assert.Equal(
            [("call_a", "one"), ("call_b", "two")],
            updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Select(
                c => (c.CallId, KnowledgeLookupTool.ReadQuery(c.Arguments))));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReasoningDeltas_KeepsReasoningOutOfText()
    {
        _server.Enqueue(EventStream(Chunk("""{"reasoning":"Think first."}""") + Chunk("""{"content":"Answer."}""", "stop") + Done));

        var updates = await Drain(Client().GetStreamingResponseAsync(Question));

        Assert.Equal("Answer.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("Think first.", Assert.Single(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>()).Text);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCall_ReturnsCallFinishReasonUsageAndModel()
    {
        _server.Enqueue(ScriptedResponse.Json(200, $$$"""
            {"id":"chatcmpl-7","object":"chat.completion","created":1700000000,"model":"{{{Model}}}",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,
               "tool_calls":[{"id":"call_x","type":"function","function":{"name":"kb_lookup",
               "arguments":"{\"query\":\"token coalescing\"}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":40,"completion_tokens":9,"total_tokens":49}}
            """));

        var response = await Client().GetResponseAsync(Question, new ChatOptions { Tools = [KnowledgeLookupTool.Declaration] });

        var message = Assert.Single(response.Messages);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(message.Contents));
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal(("call_x", "kb_lookup", "token coalescing"), (call.CallId, call.Name, KnowledgeLookupTool.ReadQuery(call.Arguments)));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal((40L, 9L, 49L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
        Assert.Equal((Model, "chatcmpl-7"), (response.ModelId, response.ResponseId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), response.CreatedAt);
    }

    [Fact]
    public async Task GetResponseAsync_TextAnswer_ReturnsTextAndStopReason()
    {
        _server.Enqueue(ScriptedResponse.Json(200, TextCompletion("Conduit streams chat.")));

        var response = await Client().GetResponseAsync(Question);

        Assert.Equal("Conduit streams chat.", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task GetResponseAsync_MalformedToolArguments_KeepsCallWithNoArguments()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"",
              "tool_calls":[{"id":"call_bad","type":"function","function":{"name":"kb_lookup","arguments":"{\"query\": \"unterminated"}}]},
              "finish_reason":"tool_calls"}]}
            """));

        var response = await Client().GetResponseAsync(Question);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Assert.Single(response.Messages).Contents));
        Assert.Equal(("call_bad", "kb_lookup"), (call.CallId, call.Name));
        Assert.Empty(call.Arguments!);
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public async Task GetResponseAsync_ArgumentsSentAsObject_ParsesThem()
    {
        _server.Enqueue(ScriptedResponse.Json(200, """
            {"id":"c","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"",
              "tool_calls":[{"id":"call_obj","type":"function","function":{"name":"kb_lookup","arguments":{"query":"as object"}}}]},
              "finish_reason":"tool_calls"}]}
            """));

        var response = await Client().GetResponseAsync(Question);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Assert.Single(response.Messages).Contents));
        Assert.Equal("as object", KnowledgeLookupTool.ReadQuery(call.Arguments));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ArgumentsNotAnObject_KeepsCallWithNoArguments()
    {
        _server.Enqueue(EventStream(
            Chunk("""{"tool_calls":[{"index":0,"id":"call_arr","type":"function","function":{"name":"kb_lookup","arguments":"[1,"}}]}""")
            + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"2]"}}]}""", "tool_calls")
            + Done));

        var updates = await Drain(Client().GetStreamingResponseAsync(Question));

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call_arr", call.CallId);
        Assert.Empty(call.Arguments!);
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Status429_ThrowsModelThrottledWithServerMessage()
    {
        _server.Enqueue(ScriptedResponse.Json(429, """{"error":{"message":"Rate limit reached","type":"rate_limit_error","code":null}}"""));

        var thrown = await Assert.ThrowsAsync<ModelThrottledException>(() => Drain(Client().GetStreamingResponseAsync(Question)));

        var inner = Assert.IsType<OpenAiCompatibleException>(thrown.InnerException);
        Assert.Equal(
            (HttpStatusCode.TooManyRequests, "Rate limit reached", "rate_limit_error"),
            (inner.StatusCode, inner.ServerMessage, inner.ErrorType));
        Assert.Contains("Rate limit reached", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_Status503ServerBusy_ThrowsModelThrottled()
    {
        _server.Enqueue(ScriptedResponse.Json(503, """{"error":{"message":"server busy, please try again.  maximum pending requests """
            + """exceeded","type":"api_error","param":null,"code":null}}"""));

        var thrown = await Assert.ThrowsAsync<ModelThrottledException>(() => Client().GetResponseAsync(Question));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, Assert.IsType<OpenAiCompatibleException>(thrown.InnerException).StatusCode);
    }

    [Fact]
    public async Task GetResponseAsync_Status500WithErrorBody_ThrowsWithStatusAndServerMessage()
    {
        _server.Enqueue(ScriptedResponse.Json(500, """{"error":{"code":500,"message":"failed to load model","type":"server_error"}}"""));

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => Client().GetResponseAsync(Question));

        Assert.Equal(
            (HttpStatusCode.InternalServerError, "failed to load model", "server_error"),
            (thrown.StatusCode, thrown.ServerMessage, thrown.ErrorType));
    }

    public static TheoryData<int, string, string> ErrorBodies => new()
    {
        { 400, """{"object":"error","message":"The model `nope` does not exist.","type":"NotFoundError","param":null"""
            + ""","code":404}""", "The model `nope` does not exist." },
        { 404, """{"error":"model 'nope' not found"}""", "model 'nope' not found" },
        { 422, """{"detail":"Unprocessable"}""", "Unprocessable" },
        { 502, "Bad Gateway", "Bad Gateway" },
    };

    [Theory]
    [MemberData(nameof(ErrorBodies))]
    public async Task GetResponseAsync_ErrorBodyShape_ThrowsWithHttpStatusAndServerMessage(int status, string body, string expectedMessage)
    {
        _server.Enqueue(new ScriptedResponse(
            status, [Encoding.UTF8.GetBytes(body)], new Dictionary<string, string> { ["Content-Type"] = "application/json" }));

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => Client().GetResponseAsync(Question));

        Assert.Equal(((HttpStatusCode)status, expectedMessage), (thrown.StatusCode, thrown.ServerMessage));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorObjectInStream_ThrowsAfterEarlierText()
    {
        _server.Enqueue(
            EventStream(
                Chunk("""{"content":"Partial"}""")
                    + """data: {"error":{"message":"CUDA out of memory","type":"server_error","code":500}}""" + "\n\n" + Done));
        var texts = new List<string>();

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync(Question)) texts.Add(update.Text);
        });

        Assert.Equal(["Partial"], texts);
        Assert.Equal((HttpStatusCode.InternalServerError, "CUDA out of memory"), (thrown.StatusCode, thrown.ServerMessage));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LlamaCppErrorField_ThrowsWithServerMessage()
    {
        _server.Enqueue(
            EventStream(
                """error: {"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}"""
                    + "\n\n" + Done));

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => Drain(Client().GetStreamingResponseAsync(Question)));

        Assert.Equal(
            (HttpStatusCode.BadRequest, "the request exceeds the available context size"), (thrown.StatusCode, thrown.ServerMessage));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OllamaBareErrorLine_ThrowsWithServerMessage()
    {
        _server.Enqueue(
            EventStream(
                Chunk("""{"content":"Hi"}""")
                    + """{"error":{"message":"model runner has unexpectedly stopped","type":"api_error","param":null,"code":null}}"""
                    + "\n"));

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => Drain(Client().GetStreamingResponseAsync(Question)));

        Assert.Equal("model runner has unexpectedly stopped", thrown.ServerMessage);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamEndsWithoutDone_Throws()
    {
        _server.Enqueue(EventStream(Chunk("""{"content":"cut"}""")));

        var thrown = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => Drain(Client().GetStreamingResponseAsync(Question)));

        Assert.Contains("[DONE]", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledAfterFirstUpdate_ThrowsWithoutYieldingMore()
    {
        _server.Enqueue(
            EventStream(Chunk("""{"content":"one"}""") + Chunk("""{"content":"two"}""") + Chunk("""{"content":"three"}""", "stop") + Done));
        using var cancellation = new CancellationTokenSource();
        var texts = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync(Question, cancellationToken: cancellation.Token))
            {
                texts.Add(update.Text);
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(["one"], texts);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledWhileServerIsSilent_DisposesStreamAtOnce()
    {
        var body = new Pipe();
        using var http = new HttpClient(new EndlessStreamHandler(body.Reader));
        var client = new OpenAiCompatibleChatClient(http, new Uri("http://127.0.0.1:9/v1"), Model, new OpenAiCompatibleOptions());
        await body.Writer.WriteAsync(Encoding.UTF8.GetBytes(Chunk("""{"content":"first"}""")));
        using var cancellation = new CancellationTokenSource();
        await using var updates = client.GetStreamingResponseAsync(Question, cancellationToken: cancellation.Token).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("first", updates.Current.Text);

        var next = updates.MoveNextAsync();
        Assert.False(next.IsCompleted);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True((await body.Writer.FlushAsync()).IsCompleted);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServerSilentPastTimeout_ThrowsTimeout()
    {
        var body = new Pipe();
        using var http = new HttpClient(new EndlessStreamHandler(body.Reader));
        var client = new OpenAiCompatibleChatClient(
            http, new Uri("http://127.0.0.1:9/v1"), Model, new OpenAiCompatibleOptions { Timeout = TimeSpan.FromMilliseconds(200) });

        await Assert.ThrowsAsync<TimeoutException>(() => Drain(client.GetStreamingResponseAsync(Question))).WaitAsync(
            TimeSpan.FromSeconds(10));
        Assert.True((await body.Writer.FlushAsync()).IsCompleted);
    }

    [Fact]
    public void GetService_ChatClientMetadata_ReturnsModelAndBaseUrl()
    {
        var metadata = Client().GetService<ChatClientMetadata>();

        Assert.Equal(Model, metadata!.DefaultModelId);
        Assert.Equal(new Uri(_server.Url, "v1"), metadata.ProviderUri);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionResetBeforeAnyByte_IsLabelledRetryable()
    {
        await using var resetting = ResettingServer.Start();
        var client = new OpenAiCompatibleChatClient(_http, new Uri(resetting.HttpBase, "v1"), Model, new OpenAiCompatibleOptions());

        var exception = await Record.ExceptionAsync(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Question))
            {
            }
        });

        Assert.NotNull(exception);
        var error = TurnErrors.Classify(exception.GetType().Name, "r-1");
        Assert.True(error.Retryable, $"{exception.GetType().Name} was labelled {error.Code}, not retryable");
        Assert.Equal("unavailable", error.Code);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionResetBeforeAnyByte_IsLabelledRetryable()
    {
        await using var resetting = ResettingServer.Start();
        var client = new OpenAiCompatibleChatClient(_http, new Uri(resetting.HttpBase, "v1"), Model, new OpenAiCompatibleOptions());

        var exception = await Record.ExceptionAsync(() => client.GetResponseAsync(Question));

        Assert.NotNull(exception);
        var error = TurnErrors.Classify(exception.GetType().Name, "r-1");
        Assert.True(error.Retryable, $"{exception.GetType().Name} was labelled {error.Code}, not retryable");
    }

    private OpenAiCompatibleChatClient Client(OpenAiCompatibleOptions? options = null) =>
        new(_http, new Uri(_server.Url, "v1"), Model, options ?? new OpenAiCompatibleOptions());

    private const string Done = "data: [DONE]\n\n";

    private static string Chunk(string delta, string? finishReason = null) =>
        $$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000"""
        + $$""","model":"{{Model}}","system_fingerprint":"fp_ollama","choices":[{"index":0"""
        + $$""","delta":{{delta}},"finish_reason":{{(finishReason is null ? "null" : $"\"{finishReason}\"")}}}]}""" + "\n\n";

    private static string Usage(int prompt, int completion) =>
        $$$"""data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000"""
        + $$$""","model":"{{{Model}}}","choices":[]"""
        + $$$""","usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}"""
        + "\n\n";

    private static string TextCompletion(string text) => $$$"""
        {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"{{{Model}}}",
         "choices":[{"index":0,"message":{"role":"assistant","content":{{{JsonSerializer.Serialize(text)}}}},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}}
        """;

    /// <summary>The body cut into fixed-size byte chunks, each flushed on its own, so events and UTF-8 sequences straddle writes.</summary>
    private static ScriptedResponse EventStream(string sse, int chunkSize = int.MaxValue)
    {
        var bytes = Encoding.UTF8.GetBytes(sse);
        var chunks = bytes.Chunk(Math.Min(chunkSize, bytes.Length)).ToList();
        return new ScriptedResponse(200, chunks, new Dictionary<string, string> { ["Content-Type"] = "text/event-stream" });
    }

    private static async Task<List<ChatResponseUpdate>> Drain(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates) list.Add(update);
        return list;
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}\nActual   {actual?.ToJsonString()}");

    /// <summary>
    /// A server that has sent headers and then only what the test writes: the failure path a real listener cannot script.
    /// </summary>
    private sealed class EndlessStreamHandler(PipeReader body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new DisposeOnlyBody(body)) });
    }

    /// <summary>
    /// A body whose pending read ignores cancellation tokens and ends only when the body is disposed, as some transports do.
    /// </summary>
    private sealed class DisposeOnlyBody(PipeReader body) : Stream
    {
        private readonly Stream _inner = body.AsStream();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(
            buffer, CancellationToken.None);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(
            buffer, offset, count, CancellationToken.None);
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.CancelPendingRead();
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
