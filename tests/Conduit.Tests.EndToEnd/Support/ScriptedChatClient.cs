using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// A model whose answers the test writes: planning never asks for a tool, and the answer to a question is what
/// <paramref name="answer"/> streams for its text (the last user message).
/// </summary>
public sealed class ScriptedChatClient(Func<string, IAsyncEnumerable<string>> answer) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "No lookup needed.")) { ModelId = "scripted" });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var question = messages.Last(m => m.Role == ChatRole.User).Text;
        await foreach (var text in answer(question).WithCancellation(cancellationToken))
            yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ModelId = "scripted" };
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "scripted" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
