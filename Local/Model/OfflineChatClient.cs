using System.Runtime.CompilerServices;
using Conduit.Core.Chat;
using Microsoft.Extensions.AI;

namespace Conduit.Local.Model;

/// <summary>
/// A deterministic stand-in for the language model, for running Conduit with no network. It asks
/// for a knowledge-base lookup when the question shares terms with the knowledge base, and
/// otherwise answers with a report of what it received (see <see cref="OfflineAnswer"/>); it never
/// pretends to be an LLM.
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    public const string ModelId = "offline";
    public const string ToolCallId = KnowledgeLookupTool.Name + "_1";

    private static readonly ChatClientMetadata Metadata = new(providerName: ModelId, providerUri: null, defaultModelId: ModelId);

    private readonly OfflineModelOptions _options;
    private readonly Func<string, bool> _sharesTermsWithKnowledgeBase;
    private readonly TimeProvider _time;

    public OfflineChatClient(OfflineModelOptions options, Func<string, bool> sharesTermsWithKnowledgeBase, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sharesTermsWithKnowledgeBase);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TokenDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FirstTokenDelay, TimeSpan.Zero);

        _options = options;
        _sharesTermsWithKnowledgeBase = sharesTermsWithKnowledgeBase;
        _time = time;
    }

    /// <summary>
    /// The planning call: a <c>kb_lookup</c> call when the tool is offered, the question has not
    /// been looked up yet and it shares terms with the knowledge base; otherwise the answer.
    /// </summary>
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();

        var conversation = ReceivedConversation.Read(messages);
        var response = QueryToLookUp(conversation, options) is { } query
            ? LookupResponse(query, conversation)
            : AnswerResponse(conversation);
        return Task.FromResult(response);
    }

    /// <summary>
    /// Streams the answer one word per update, then an update carrying the usage; or, deciding as
    /// <see cref="GetResponseAsync"/> does, a single <c>kb_lookup</c> call.
    /// </summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = ReceivedConversation.Read(messages);
        return QueryToLookUp(conversation, options) is { } query
            ? StreamLookupAsync(query, conversation, cancellationToken)
            : StreamAnswerAsync(conversation, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);

        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return Metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAnswerAsync(
        ReceivedConversation conversation,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var wordsEmitted = 0;
        foreach (var word in Words.WithTrailingWhitespace(OfflineAnswer.Compose(conversation)))
        {
            await PauseAsync(wordsEmitted == 0 ? _options.FirstTokenDelay : _options.TokenDelay, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            wordsEmitted++;
            yield return AssistantUpdate(new TextContent(word));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var final = AssistantUpdate(new UsageContent(Usage(conversation.InputWordCount, wordsEmitted)));
        final.FinishReason = ChatFinishReason.Stop;
        yield return final;
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamLookupAsync(
        string query,
        ReceivedConversation conversation,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await PauseAsync(_options.FirstTokenDelay, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var usage = new UsageContent(Usage(conversation.InputWordCount, Words.Count(query)));
        var update = new ChatResponseUpdate(ChatRole.Assistant, [LookupCall(query), usage])
        {
            ModelId = ModelId,
            CreatedAt = _time.GetUtcNow(),
            FinishReason = ChatFinishReason.ToolCalls,
        };
        yield return update;
    }

    /// <returns>The query to look up, or null when the model should answer instead.</returns>
    private string? QueryToLookUp(ReceivedConversation conversation, ChatOptions? options)
    {
        if (conversation.Question is not { } question
            || conversation.HasToolResultSinceQuestion
            || options?.ToolMode is NoneChatToolMode
            || options?.Tools?.Any(tool => tool.Name == KnowledgeLookupTool.Name) != true)
        {
            return null;
        }

        return options.ToolMode is RequiredChatToolMode || _sharesTermsWithKnowledgeBase(question) ? question : null;
    }

    private ChatResponse LookupResponse(string query, ReceivedConversation conversation)
    {
        return Response(
            new ChatMessage(ChatRole.Assistant, [LookupCall(query)]),
            ChatFinishReason.ToolCalls,
            conversation.InputWordCount,
            Words.Count(query));
    }

    private static FunctionCallContent LookupCall(string query) =>
        new(ToolCallId, KnowledgeLookupTool.Name, new Dictionary<string, object?> { [KnowledgeLookupTool.QueryArgument] = query });

    private ChatResponse AnswerResponse(ReceivedConversation conversation)
    {
        var answer = OfflineAnswer.Compose(conversation);
        return Response(
            new ChatMessage(ChatRole.Assistant, answer), ChatFinishReason.Stop, conversation.InputWordCount, Words.Count(answer));
    }

    private ChatResponse Response(ChatMessage message, ChatFinishReason finishReason, int inputWords, int outputWords) =>
        new(message)
        {
            ModelId = ModelId,
            CreatedAt = _time.GetUtcNow(),
            FinishReason = finishReason,
            Usage = Usage(inputWords, outputWords),
        };

    private ChatResponseUpdate AssistantUpdate(AIContent content) =>
        new(ChatRole.Assistant, [content])
        {
            ModelId = ModelId,
            CreatedAt = _time.GetUtcNow(),
        };

    private static UsageDetails Usage(int inputWords, int outputWords) =>
        new()
        {
            InputTokenCount = inputWords,
            OutputTokenCount = outputWords,
            TotalTokenCount = inputWords + outputWords,
        };

    private async Task PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
