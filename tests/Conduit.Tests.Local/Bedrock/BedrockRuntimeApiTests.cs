using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;
using Conduit.Local.Bedrock;
using Conduit.Local.Edge;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Local.Bedrock;

/// <summary>ConverseStream over a model the test controls: events leave as the model produces them, in Bedrock's order.</summary>
public sealed class BedrockRuntimeApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const string Request = """{"messages": [{"role": "user", "content": [{"text": "hi"}]}]}""";

    [Fact]
    public async Task ConverseStream_EachUpdate_IsSentBeforeTheModelProducesTheNext()
    {
        var secondWord = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new GatedChatClient(secondWord.Task);
        var pipe = new Pipe();
        var running = RunAsync(model, pipe.Writer.AsStream());

        var reader = new EventReader(pipe.Reader);
        Assert.Equal("messageStart", (await reader.NextAsync()).Type);
        var first = await reader.NextAsync();
        Assert.False(running.IsCompleted);
        secondWord.SetResult();
        var rest = new List<(string Type, JsonObject Payload)>();
        for (var i = 0; i < 4; i++) rest.Add(await reader.NextAsync());
        await running.WaitAsync(Timeout);

        Assert.Equal(("contentBlockDelta", "Hello "), (first.Type, first.Payload["delta"]!["text"]!.GetValue<string>()));
        Assert.Equal(["contentBlockDelta", "contentBlockStop", "messageStop", "metadata"], rest.Select(e => e.Type));
        Assert.Equal("world", rest[0].Payload["delta"]!["text"]!.GetValue<string>());
        Assert.Equal("end_turn", rest[2].Payload["stopReason"]!.GetValue<string>());
        Assert.Equal(5, rest[3].Payload["usage"]!["totalTokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task ConverseStream_TheModelFailsMidway_EndsWithAModelStreamErrorException()
    {
        var model = new GatedChatClient(Task.FromException(new InvalidOperationException("model crashed")));
        var pipe = new Pipe();

        await RunAsync(model, pipe.Writer.AsStream()).WaitAsync(Timeout);
        await pipe.Writer.CompleteAsync();

        var reader = new EventReader(pipe.Reader);
        Assert.Equal("messageStart", (await reader.NextAsync()).Type);
        Assert.Equal("contentBlockDelta", (await reader.NextAsync()).Type);
        var failure = await reader.NextMessageAsync();
        Assert.Equal("exception", failure.Headers[":message-type"].AsString());
        Assert.Equal("modelStreamErrorException", failure.Headers[":exception-type"].AsString());
        Assert.Contains("model crashed", Encoding.UTF8.GetString(failure.Payload), StringComparison.Ordinal);
        Assert.Null(await reader.NextMessageOrEndAsync());
    }

    private static async Task RunAsync(IChatClient model, Stream body)
    {
        var api = new BedrockRuntimeApi(model, TimeProvider.System);
        var context = new DefaultHttpContext();
        context.Response.Body = body;
        var route = api.Routes.Single(r => r.PathTemplate.EndsWith("converse-stream", StringComparison.Ordinal));
        await route.HandleAsync(new AwsRestRequest(
            context, new Dictionary<string, string> { ["modelId"] = "m" }, JsonNode.Parse(Request)!.AsObject()));
        Assert.Equal(EventStreamEncoder.ContentType, context.Response.ContentType);
    }

    /// <summary>Streams "Hello ", then waits for the gate before "world" and the usage.</summary>
    private sealed class GatedChatClient(Task gate) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello ");
            await gate;
            yield return new ChatResponseUpdate(ChatRole.Assistant, "world");
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails
            {
                InputTokenCount = 3, OutputTokenCount = 2, TotalTokenCount = 5,
            })])
            { FinishReason = ChatFinishReason.Stop };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    /// <summary>Decodes event-stream messages off a pipe with the AWS SDK's decoder, one at a time, as they arrive.</summary>
    private sealed class EventReader
    {
        private readonly PipeReader _pipe;
        private readonly Queue<EventStreamMessage> _messages = new();
        private readonly List<EventStreamMessage> _received = [];
        private readonly EventStreamDecoder _decoder = new();

        public EventReader(PipeReader pipe)
        {
            _pipe = pipe;
            _decoder.MessageReceived += (_, e) => _received.Add((EventStreamMessage)e.Message);
        }

        public async Task<(string Type, JsonObject Payload)> NextAsync()
        {
            var message = await NextMessageAsync();
            return (message.Headers[":event-type"].AsString(), JsonNode.Parse(message.Payload)!.AsObject());
        }

        public async Task<EventStreamMessage> NextMessageAsync() =>
            await NextMessageOrEndAsync() ?? throw new InvalidOperationException("The stream ended.");

        public async Task<EventStreamMessage?> NextMessageOrEndAsync()
        {
            using var limit = new CancellationTokenSource(Timeout);
            while (_messages.Count == 0)
            {
                var read = await _pipe.ReadAsync(limit.Token);
                foreach (var segment in read.Buffer)
                {
                    var bytes = segment.ToArray();
                    _decoder.ProcessData(bytes, 0, bytes.Length);
                }
                _pipe.AdvanceTo(read.Buffer.End);
                foreach (var message in _received) _messages.Enqueue(message);
                _received.Clear();
                if (_messages.Count == 0 && read.IsCompleted) return null;
            }
            return _messages.Dequeue();
        }
    }
}
