using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>
/// The real model behind a switch: the first <c>FailuresLeft</c> answers fail with the exception the test chose,
/// the rest stream as usual. Counts every answer asked for.
/// </summary>
public sealed class FailingFirstChatClient(IChatClient inner, Func<Exception> failure) : DelegatingChatClient(inner)
{
    private int _failuresLeft;
    private int _streams;

    public int Streams => Volatile.Read(ref _streams);

    public int FailuresLeft
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _streams);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0) throw failure();
        return base.GetStreamingResponseAsync(messages, options, cancellationToken);
    }
}
