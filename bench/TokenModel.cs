using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Conduit.Bench;

/// <summary>
/// A model for measuring delivery: it answers plans at once without tools, and streams <see cref="Tokens"/>
/// numbered tokens ("w17 ") one every <see cref="Interval"/>, noting when each was produced, so a client can
/// compute each token's lag from production to arrival.
/// </summary>
public sealed class TokenModel(int tokens, TimeSpan interval) : IChatClient
{
    public int Tokens { get; } = tokens;
    public TimeSpan Interval { get; } = interval;
    public ConcurrentDictionary<int, long> ProducedAt { get; } = new();

    /// <summary>When the last streaming call began: the model's own time to first token runs from here to token 0.</summary>
    public long StreamStartedAt { get; private set; }

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { FinishReason = ChatFinishReason.Stop, ModelId = "bench" });

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var start = Stopwatch.GetTimestamp();
        StreamStartedAt = start;
        for (var i = 0; i < Tokens; i++)
        {
            var due = Interval * i - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero) await Task.Delay(due, cancellationToken);
            ProducedAt[i] = Stopwatch.GetTimestamp();
            yield return new ChatResponseUpdate(ChatRole.Assistant, $"w{i} ") { ModelId = "bench" };
        }
        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "bench", Contents = [new UsageContent(
            new UsageDetails { InputTokenCount = 1, OutputTokenCount = Tokens })] };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
