using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.Browser.Support;

/// <summary>
/// The real model, except for questions a test scripted: those are answered with the test's text, streamed in small
/// pieces (so Markdown arrives half-written, as from a real model), without a knowledge-base lookup. A test may hold
/// the rest of an answer back until it releases it, to look at the page mid-answer.
/// </summary>
public sealed class ScriptedChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private const int PieceLength = 7;

    private readonly ConcurrentDictionary<string, Script> _scripts = new(StringComparer.Ordinal);

    /// <summary>Answers <paramref name="question"/> with <paramref name="answer"/>; with a hold, only its text up to the hold.</summary>
    public void Answer(string question, string answer, TaskCompletionSource? holdAfter = null, int holdAt = 0) =>
        _scripts[question] = new Script(answer, holdAfter, holdAt);

    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        ScriptFor(messages) is null
            ? base.GetResponseAsync(messages, options, cancellationToken)
            : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "")));

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        ScriptFor(messages) is { } script
            ? StreamAsync(script, cancellationToken)
            : base.GetStreamingResponseAsync(messages, options, cancellationToken);

    private Script? ScriptFor(IEnumerable<ChatMessage> messages) =>
        messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text is { } question && _scripts.TryGetValue(question.Trim(), out var script)
            ? script
            : null;

    private static async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        Script script, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var start = 0; start < script.Answer.Length; start += PieceLength)
        {
            if (script.Hold is { } hold && start >= script.HoldAt) await hold.Task.WaitAsync(cancellationToken);
            await Task.Yield();
            var piece = script.Answer.Substring(start, Math.Min(PieceLength, script.Answer.Length - start));
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece);
        }
    }

    private sealed record Script(string Answer, TaskCompletionSource? Hold, int HoldAt);
}
