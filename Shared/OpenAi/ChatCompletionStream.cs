using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Conduit.OpenAi;

/// <summary>
/// Turns the chunks of one streamed chat completion into updates: text as it arrives, the finish reason when it
/// comes, and at the end the tool calls (assembled from fragments by <c>index</c>) and the usage.
/// </summary>
internal sealed class ChatCompletionStream
{
    private readonly SortedDictionary<int, ToolCallFragments> _toolCalls = [];
    private string? _id;
    private string? _model;
    private DateTimeOffset? _created;
    private UsageDetails? _usage;
    private int? _lastIndex;

    /// <summary>The update this event carries, or null when it carries nothing to pass on yet.</summary>
    public ChatResponseUpdate? Apply(ServerSentEvent serverEvent)
    {
        using var document = ChatCompletionResponse.Parse(Encoding.UTF8.GetBytes(serverEvent.Data));
        var chunk = document.RootElement;
        if (serverEvent.EventType == ServerSentEvent.ErrorType
            || chunk.ValueKind != JsonValueKind.Object
            || chunk.TryGetProperty("error", out _))
        {
            throw ChatCompletionResponse.ErrorFrom(chunk, null);
        }
        _id = ChatCompletionResponse.ReadString(chunk, "id") ?? _id;
        _model = ChatCompletionResponse.ReadString(chunk, "model") ?? _model;
        _created ??= ChatCompletionResponse.Created(chunk);
        _usage = ChatCompletionResponse.Usage(chunk) ?? _usage;

        if (ChatCompletionResponse.FirstChoice(chunk) is not { } choice) return null;
        var contents = new List<AIContent>();
        if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object)
        {
            if (ChatCompletionResponse.Reasoning(delta) is { Length: > 0 } reasoning) contents.Add(new TextReasoningContent(reasoning));
            if (ChatCompletionResponse.ReadString(delta, "content") is { Length: > 0 } text) contents.Add(new TextContent(text));
            if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                foreach (var call in calls.EnumerateArray())
                {
                    if (call.ValueKind == JsonValueKind.Object) AddFragment(call);
                }
            }
        }
        var finishReason = ChatCompletionResponse.FinishReason(choice);
        return contents.Count == 0 && finishReason is null ? null : Update(contents, finishReason);
    }

    /// <summary>The closing update with every tool call and the usage, or null when there are neither.</summary>
    public ChatResponseUpdate? Complete()
    {
        var contents = new List<AIContent>(_toolCalls.Count + 1);
        foreach (var (index, call) in _toolCalls)
        {
            contents.Add(ChatCompletionResponse.FunctionCall(call.Id ?? $"call_{index}", call.Name.ToString(), call.Arguments.ToString()));
        }
        if (_usage is not null) contents.Add(new UsageContent(_usage));
        return contents.Count == 0 ? null : Update(contents, null);
    }

    private ChatResponseUpdate Update(List<AIContent> contents, ChatFinishReason? finishReason) => new(ChatRole.Assistant, contents)
    {
        ResponseId = _id,
        MessageId = _id,
        ModelId = _model,
        CreatedAt = _created,
        FinishReason = finishReason,
    };

    /// <summary>
    /// The id and name come in the first fragment of a call and its arguments in string pieces after it. A server
    /// that leaves out <c>index</c> starts a new call whenever it sends an id.
    /// </summary>
    private void AddFragment(JsonElement fragment)
    {
        var id = ChatCompletionResponse.ReadString(fragment, "id");
        var index = fragment.TryGetProperty("index", out var given)
            && given.ValueKind == JsonValueKind.Number
            && given.TryGetInt32(out var number)
            ? number
            : _lastIndex is not { } last ? 0
            : id is not null && _toolCalls[last].Id is { } lastId && lastId != id ? last + 1
            : last;
        _lastIndex = index;

        if (!_toolCalls.TryGetValue(index, out var call)) _toolCalls[index] = call = new ToolCallFragments();
        if (!string.IsNullOrEmpty(id)) call.Id ??= id;
        if (fragment.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object)
        {
            call.Name.Append(ChatCompletionResponse.ReadString(function, "name"));
            call.Arguments.Append(ChatCompletionResponse.ReadString(function, "arguments"));
        }
    }

    private sealed class ToolCallFragments
    {
        public string? Id { get; set; }
        public StringBuilder Name { get; } = new();
        public StringBuilder Arguments { get; } = new();
    }
}
