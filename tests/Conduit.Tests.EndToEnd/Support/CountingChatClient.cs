using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>The real model behind a counter: how many times the pipeline asked it anything.</summary>
public sealed class CountingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private int _calls;

    public int Calls => _calls;

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }
}
