using System.Runtime.CompilerServices;
using Conduit.Core.Chat;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// A model that, while the conversation holds no tool result, writes <paramref name="preamble"/> and then calls
/// <c>kb_lookup</c> with the question; once a result is there, it answers <paramref name="answer"/>. Streamed and
/// non-streamed calls give the same reply.
/// </summary>
public sealed class ToolCallingChatClient(string preamble, string answer) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var reply = Reply(messages.ToList(), options);
        var message = new ChatMessage(ChatRole.Assistant, [.. reply.Select(u => u.Contents[0])]);
        return Task.FromResult(new ChatResponse(message) { ModelId = "scripted" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in Reply(messages.ToList(), options))
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "scripted" };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private List<ChatResponseUpdate> Reply(List<ChatMessage> messages, ChatOptions? options)
    {
        var looked = messages.Any(m => m.Contents.OfType<FunctionResultContent>().Any());
        var offered = options?.Tools?.Any(t => t.Name == KnowledgeLookupTool.Name) == true;
        if (looked || !offered) return [Update(new TextContent(answer))];
        var question = messages.Last(m => m.Role == ChatRole.User).Text;
        var arguments = new Dictionary<string, object?> { [KnowledgeLookupTool.QueryArgument] = question };
        return [Update(new TextContent(preamble)), Update(new FunctionCallContent("call-1", KnowledgeLookupTool.Name, arguments))];
    }

    private static ChatResponseUpdate Update(AIContent content) => new(ChatRole.Assistant, [content]) { ModelId = "scripted" };
}
