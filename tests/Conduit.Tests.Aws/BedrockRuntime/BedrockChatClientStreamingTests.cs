using System.Net;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Conduit.Aws;
using Conduit.Aws.BedrockRuntime;
using Conduit.Core.Chat;
using Conduit.Tests.Aws.Signing;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;
using static Conduit.Tests.Aws.BedrockRuntime.ConverseStreamFrames;

namespace Conduit.Tests.Aws.BedrockRuntime;

public sealed class BedrockChatClientStreamingTests : IAsyncLifetime
{
    private const string ModelId = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static readonly ChatMessage[] Question = [new(ChatRole.User, "What is Conduit?")];

    private RecordingAwsServer _server = null!;

    public static TheoryData<string> Chunkings => ["whole", "one byte per chunk"];

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Chunkings))]
    public async Task GetStreamingResponseAsync_TextStream_YieldsEachDeltaThenFinishThenUsage(string chunking)
    {
        _server.Enqueue(Served(chunking,
            Event("messageStart", """{"role":"assistant","p":"abc"}"""),
            Text(0, "Conduit is"),
            Text(0, " a chat backend."),
            Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            MessageStop("end_turn"),
            Usage(25, 7)));

        var updates = await ReadAllAsync(Client(), CancellationToken.None);

        Assert.Equal(["Conduit is", " a chat backend."], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        Assert.Equal(ChatFinishReason.Stop, Assert.Single(updates, u => u.FinishReason is not null).FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates.SelectMany(u => u.Contents), c => c is UsageContent)).Details;
        Assert.Equal((25L, 7L, 32L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
        Assert.All(updates, u => Assert.Equal((ModelId, "9f5c7e0e-6c2a-4a8e-9d7b-1b2f3c4d5e6f"), (u.ModelId, u.ResponseId)));
        Assert.Equal("Conduit is a chat backend.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_AnyRequest_PostsSignedJsonToConverseStream()
    {
        _server.Enqueue(Whole(MessageStop("end_turn")));

        await ReadAllAsync(Client(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream", request.RawTarget);
        Assert.Equal("application/json", request.Header("Content-Type"));
        AwsWire.AssertSignedFor(request, "bedrock");
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(
            "What is Conduit?", body.RootElement.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Theory]
    [MemberData(nameof(Chunkings))]
    public async Task GetStreamingResponseAsync_ToolInputSplitOverDeltas_YieldsOneCallWithTheJoinedArguments(string chunking)
    {
        _server.Enqueue(Served(chunking,
            Event("messageStart", """{"role":"assistant"}"""),
            Text(0, "Let me look that up."),
            Event("contentBlockStop", """{"contentBlockIndex":0}"""),
            Event(
                "contentBlockStart",
                """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_kb1","name":"kb_lookup"}},"p":"abcdef"}"""),
            Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":""}}}"""),
            Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"que"}}}"""),
            Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"ry\": \"token coal"}}}"""),
            Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"escing\"}"}}}"""),
            Event("contentBlockStop", """{"contentBlockIndex":1}"""),
            MessageStop("tool_use"),
            Usage(310, 54)));

        var updates = await ReadAllAsync(Client(), CancellationToken.None);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(updates.SelectMany(u => u.Contents), c => c is FunctionCallContent));
        Assert.Equal(("tooluse_kb1", "kb_lookup"), (call.CallId, call.Name));
        Assert.Null(call.Exception);
        Assert.Equal("token coalescing", KnowledgeLookupTool.ReadQuery(call.Arguments));
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
        Assert.Equal("Let me look that up.", updates.ToChatResponse().Text);
    }

    [Theory]
    [MemberData(nameof(Chunkings))]
    public async Task GetStreamingResponseAsync_ThrottlingExceptionMidStream_ThrowsModelThrottledAfterTheTextBeforeIt(string chunking)
    {
        _server.Enqueue(Served(chunking,
            Event("messageStart", """{"role":"assistant"}"""),
            Text(0, "Partial"),
            Exception("throttlingException", "Too many tokens, please wait before trying again."),
            Text(0, " never read")));
        var received = new List<string>();

        var exception = await Assert.ThrowsAsync<ModelThrottledException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync(Question)) received.Add(update.Text);
        });

        Assert.Equal(["Partial"], received);
        var inner = Assert.IsType<AwsThrottlingException>(exception.InnerException);
        Assert.Equal(("ThrottlingException", HttpStatusCode.TooManyRequests), (inner.ErrorType, inner.StatusCode));
        Assert.Equal("Too many tokens, please wait before trying again.", inner.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ModelStreamErrorException_ThrowsTypedServiceError()
    {
        _server.Enqueue(Whole(
            Text(0, "Partial"),
            Exception("modelStreamErrorException", "The model failed mid-response.")));

        var exception = await Assert.ThrowsAsync<AwsServiceException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.Equal(("ModelStreamErrorException", HttpStatusCode.FailedDependency), (exception.ErrorType, exception.StatusCode));
        Assert.Equal("The model failed mid-response.", exception.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ValidationExceptionInStream_ThrowsAwsValidationException()
    {
        _server.Enqueue(Whole(Exception("validationException", "The model returned an invalid tool use.")));

        var exception = await Assert.ThrowsAsync<AwsValidationException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.Equal(("ValidationException", HttpStatusCode.BadRequest), (exception.ErrorType, exception.StatusCode));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorMessageWithStringCode_ThrowsServiceErrorCarryingTheCode()
    {
        _server.Enqueue(Whole(
            Text(0, "Partial"),
            Error("InternalFailure", "The stream hit an internal failure.")));

        var exception = await Assert.ThrowsAsync<AwsServiceException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.Equal("InternalFailure", exception.ErrorType);
        Assert.Equal("The stream hit an internal failure.", exception.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorMessageWithThrottlingCode_ThrowsModelThrottled()
    {
        _server.Enqueue(Whole(Error("ThrottlingException", "Slow down.")));

        var exception = await Assert.ThrowsAsync<ModelThrottledException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.IsType<AwsThrottlingException>(exception.InnerException);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CorruptedMessageCrc_ThrowsInvalidDataWithTheChecksumFailure()
    {
        var corrupted = Text(0, "Tampered");
        corrupted[^6] ^= 0xFF;
        _server.Enqueue(Whole(Text(0, "Intact"), corrupted, MessageStop("end_turn")));
        var received = new List<string>();

        var exception = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var update in Client().GetStreamingResponseAsync(Question)) received.Add(update.Text);
        });

        Assert.Equal(["Intact"], received);
        Assert.IsType<EventStreamChecksumFailureException>(exception.InnerException);
        Assert.Contains("corrupted", exception.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BodyEndsBeforeMessageStop_ThrowsInvalidData()
    {
        _server.Enqueue(Whole(Text(0, "Cut"), Text(0, " off")));

        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.Contains("ended before messageStop", exception.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Http429OnEveryAttempt_ThrowsModelThrottled()
    {
        var throttled = ScriptedResponse.Json(429, """{"message":"Too many requests, please wait before trying again."}""",
            new Dictionary<string, string>
            {
                ["X-Amzn-ErrorType"] = "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            });
        _server.Enqueue(throttled, throttled, throttled, throttled);

        var exception = await Assert.ThrowsAsync<ModelThrottledException>(() => ReadAllAsync(Client(), CancellationToken.None));

        Assert.Equal("ThrottlingException", Assert.IsType<AwsThrottlingException>(exception.InnerException).ErrorType);
        Assert.Equal(4, _server.Requests.Count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledAfterFirstUpdate_StopsReadingAndDisposesTheBody()
    {
        var frames = Enumerable.Range(0, 2000).Select(i => Text(0, $"token {i} ")).Append(MessageStop("end_turn")).ToArray();
        var total = frames.Sum(f => f.Length);
        _server.Enqueue(Whole(frames));
        var probe = new BodyProbe();
        using var client = new BedrockChatClient(AwsWire.Settings(_server) with { InnerHandler = probe }, ModelId);
        using var cancellation = new CancellationTokenSource();

        await using var updates = client.GetStreamingResponseAsync(Question, cancellationToken: cancellation.Token).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("token 0 ", updates.Current.Text);
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await updates.MoveNextAsync());
        Assert.True(probe.Body!.Disposed);
        Assert.True(probe.Body.BytesRead < total, $"Read {probe.Body.BytesRead} of {total} bytes.");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionResetBeforeAnyByte_IsLabelledRetryable()
    {
        await using var resetting = ResettingServer.Start();
        var settings = AwsWire.Settings(_server) with { ServiceUrl = resetting.HttpBase };

        var exception = await Record.ExceptionAsync(() => ReadAllAsync(new BedrockChatClient(settings, ModelId), CancellationToken.None));

        Assert.NotNull(exception);
        Assert.True(resetting.Connections >= 1);
        var error = TurnErrors.Classify(exception.GetType().Name, "r-1");
        Assert.True(error.Retryable, $"{exception.GetType().Name} was labelled {error.Code}, not retryable");
        Assert.Equal("unavailable", error.Code);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionResetBeforeAnyByte_IsLabelledRetryable()
    {
        await using var resetting = ResettingServer.Start();
        using var client = new BedrockChatClient(AwsWire.Settings(_server) with { ServiceUrl = resetting.HttpBase }, ModelId);

        var exception = await Record.ExceptionAsync(() => client.GetResponseAsync(Question));

        Assert.NotNull(exception);
        var error = TurnErrors.Classify(exception.GetType().Name, "r-1");
        Assert.True(error.Retryable, $"{exception.GetType().Name} was labelled {error.Code}, not retryable");
    }

    private BedrockChatClient Client() => new(AwsWire.Settings(_server), ModelId);

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(BedrockChatClient client, CancellationToken cancellationToken)
    {
        using (client)
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in client.GetStreamingResponseAsync(Question, cancellationToken: cancellationToken))
                updates.Add(update);
            return updates;
        }
    }

    /// <summary>
    /// A real socket handler whose response bodies are wrapped to observe how far they were read and whether they were closed.
    /// </summary>
    private sealed class BodyProbe() : DelegatingHandler(new SocketsHttpHandler())
    {
        public ObservedStream? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var original = response.Content;
            Body = new ObservedStream(await original.ReadAsStreamAsync(cancellationToken));
            var observed = new StreamContent(Body);
            foreach (var header in original.Headers) observed.Headers.TryAddWithoutValidation(header.Key, header.Value);
            response.Content = observed;
            return response;
        }
    }

    private sealed class ObservedStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public bool Disposed { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += read;
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
