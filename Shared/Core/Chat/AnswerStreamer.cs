using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Protocol;
using Microsoft.Extensions.AI;

namespace Conduit.Core.Chat;

/// <summary>
/// Streams one answer: reads the model on one task and posts coalesced token frames on this one, so a slow post
/// never stalls the model (text produced meanwhile joins the next frame). Between posts, at least once per
/// coalescing interval, it asks whether the turn was cancelled (<see cref="TurnFrames.CancelRequestedAsync"/> answers
/// from the frames' own writes while they flow); if so it closes the model stream without draining it and returns what
/// was produced so far. Tool calls the model makes (when the options offer a tool) come back with the answer; text it
/// wrote before them has been posted like any answer text.
/// </summary>
public sealed class AnswerStreamer(IChatClient model, ConduitSettings settings, IMetrics metrics, TimeProvider time)
{
    public async Task<StreamedAnswer> StreamAsync(
        IReadOnlyList<ChatMessage> prompt,
        ChatOptions options,
        TurnFrames frames,
        Func<CancellationToken, Task<bool>> cancelRequested,
        DateTimeOffset? acceptedAt,
        Func<CancellationToken, Task>? beforeFirstFrame,
        CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Each token carries the moment it arrived, so the coalescing interval runs from when the model produced the
        // first held token, not from when this loop got back from its last post to read it.
        var tokens = Channel.CreateUnbounded<(string Text, long ArrivedAt)>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var finish = (ChatFinishReason?)null;
        string? modelId = null;
        var usage = TokenUsage.Zero;
        var toolCalls = new List<FunctionCallContent>();
        // A model failure ends the stream like its end does, so the text already received is posted before it is reported.
        ExceptionDispatchInfo? modelFailure = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in model.GetStreamingResponseAsync(prompt, options, stop.Token).ConfigureAwait(false))
                {
                    if (!string.IsNullOrEmpty(update.Text)) tokens.Writer.TryWrite((update.Text, time.GetTimestamp()));
                    finish = update.FinishReason ?? finish;
                    modelId = update.ModelId ?? modelId;
                    foreach (var content in update.Contents.OfType<UsageContent>()) usage = usage.Add(ChatUsage.From(content.Details));
                    toolCalls.AddRange(update.Contents.OfType<FunctionCallContent>());
                }
            }
            catch (Exception exception)
            {
                modelFailure = ExceptionDispatchInfo.Capture(exception);
            }
            finally
            {
                tokens.Writer.TryComplete();
            }
        }, CancellationToken.None);

        var text = new StringBuilder();
        var posted = 0;
        var cancelled = false;
        var lastCheck = time.GetTimestamp();
        var coalescer = new TokenCoalescer(settings.CoalesceInterval, settings.CoalesceMaxBytes, time);
        async Task FlushAsync()
        {
            if (posted == 0 && beforeFirstFrame is not null) await beforeFirstFrame(cancellationToken).ConfigureAwait(false);
            await frames.TokenAsync(coalescer.Take(), cancellationToken).ConfigureAwait(false);
            if (posted++ == 0 && acceptedAt is { } accepted)
                metrics.Add(MetricNames.TimeToFirstToken, (time.GetUtcNow() - accepted).TotalMilliseconds, MetricUnit.Milliseconds);
        }

        try
        {
            var reader = tokens.Reader;
            while (true)
            {
                while (reader.TryRead(out var token))
                {
                    text.Append(token.Text);
                    coalescer.Append(token.Text, token.ArrivedAt);
                    while (coalescer.IsFull) await FlushAsync().ConfigureAwait(false);
                }
                while (coalescer.DueIn(time.GetTimestamp()) == TimeSpan.Zero) await FlushAsync().ConfigureAwait(false);
                if (time.GetElapsedTime(lastCheck) >= CheckInterval)
                {
                    lastCheck = time.GetTimestamp();
                    if (await cancelRequested(cancellationToken).ConfigureAwait(false))
                    {
                        cancelled = true;
                        await stop.CancelAsync().ConfigureAwait(false);
                        break;
                    }
                }
                var wait = coalescer.DueIn(time.GetTimestamp()) ?? CheckInterval;
                if (!await WaitForTokensAsync(reader, wait, cancellationToken).ConfigureAwait(false)) break;
            }
            while (coalescer.HasPending) await FlushAsync().ConfigureAwait(false);
            if (!cancelled) modelFailure?.Throw();
        }
        catch (Exception exception) when (posted > 0 && exception is not OperationCanceledException and not StreamInterruptedException)
        {
            throw new StreamInterruptedException($"The model stream failed after {posted} token frame(s) were posted.", exception);
        }
        finally
        {
            await producer.ConfigureAwait(false);
        }

        var modelName = modelId ?? model.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";
        var stopReason = cancelled ? StopReasons.Cancelled : ChatUsage.StopReason(finish);
        var calls = toolCalls
            .Select(call => new ToolCall(call.CallId, call.Name, KnowledgeLookupTool.ReadQuery(call.Arguments) ?? ""))
            .ToList();
        return new StreamedAnswer(text.ToString(), stopReason, modelName, usage, cancelled) { ToolCalls = calls };
    }

    /// <summary>
    /// How often a quiet stream wakes to look for a cancel: the coalescing interval, or 50 ms when coalescing is
    /// off (an interval of zero would make the loop spin).
    /// </summary>
    private TimeSpan CheckInterval => settings.CoalesceInterval > TimeSpan.Zero ? settings.CoalesceInterval : TimeSpan.FromMilliseconds(50);

    /// <summary>Waits for more tokens, or for <paramref name="wait"/>; false once the stream has ended.</summary>
    private async Task<bool> WaitForTokensAsync<T>(ChannelReader<T> reader, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var due = new CancellationTokenSource(wait, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, due.Token);
        try
        {
            return await reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true;
        }
    }
}
