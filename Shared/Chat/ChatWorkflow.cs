using System.Text;
using System.Threading.Channels;
using Conduit.Shared.Contracts;
using Conduit.Shared.Observability;
using Conduit.Shared.Ports;
using Conduit.Shared.Protocol;
using Microsoft.Extensions.AI;

namespace Conduit.Shared.Chat;

/// <summary>
/// The steps of StateMachines/chat-turn.asl.json, one method per Task state. Each takes the workflow state and
/// returns it with its own part added; each is safe to retry, because history appends are idempotent.
/// </summary>
public sealed class ChatWorkflow(
    ITurnStore turns,
    IHistoryStore history,
    IChatClient model,
    IKnowledgeBase knowledgeBase,
    FramePublisher publisher,
    ConduitSettings settings,
    IMetrics metrics,
    TimeProvider time)
{
    public async Task<ChatTurnState> BuildPromptAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var turn = state.Turn;
        await publisher.ForTurn(turn).StatusAsync(Phases.BuildingPrompt, "Reading the conversation…", cancellationToken).ConfigureAwait(false);
        var record = await turns.GetAsync(turn.RequestId, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(turn.RequestId);
        await turns.SetStatusAsync(turn.RequestId, TurnStatus.Running, null, cancellationToken).ConfigureAwait(false);

        var userIndex = await history.AppendAsync(turn.SessionId, turn.RequestId, MessageRoles.User, record.Text, cancellationToken).ConfigureAwait(false);
        var latest = await history.ReadLatestAsync(turn.SessionId, userIndex, settings.HistoryWindow, cancellationToken).ConfigureAwait(false);
        var window = SlidingWindow.Select(latest, settings.HistoryWindow, settings.MaxPromptCharacters);
        return state with { Prompt = new PromptWindow(window[0].Index, userIndex, window.Count, latest.Count - window.Count) };
    }

    public async Task<ChatTurnState> PlanAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var message = state.Rounds.Count == 0 ? "Thinking…" : "Reading what the knowledge base found…";
        await publisher.ForTurn(state.Turn).StatusAsync(Phases.Planning, message, cancellationToken).ConfigureAwait(false);
        var offerTools = state.Rounds.Count < settings.MaxToolRounds;
        var options = new ChatOptions
        {
            MaxOutputTokens = settings.MaxOutputTokens,
            Tools = offerTools ? [KnowledgeLookupTool.Declaration] : null,
            ToolMode = offerTools ? ChatToolMode.Auto : null,
        };
        var response = await model.GetResponseAsync(await LoadPromptAsync(state, cancellationToken).ConfigureAwait(false), options, cancellationToken).ConfigureAwait(false);
        var usage = state.Usage.Add(ToUsage(response.Usage));

        var calls = response.Messages
            .SelectMany(m => m.Contents.OfType<FunctionCallContent>())
            .Select(call => new ToolCall(call.CallId, call.Name, KnowledgeLookupTool.ReadQuery(call.Arguments) ?? ""))
            .ToList();
        metrics.Add(MetricNames.ToolCalls, calls.Count, MetricUnit.Count);
        var plan = offerTools && calls.Count > 0
            ? new PlanDecision(PlanActions.Retrieve, state.Rounds.Count + 1, calls)
            : new PlanDecision(PlanActions.Answer, state.Rounds.Count, []);
        return state with { Plan = plan, Usage = usage };
    }

    public async Task<ChatTurnState> RetrieveAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var frames = publisher.ForTurn(state.Turn);
        await frames.StatusAsync(Phases.Retrieving, "Searching knowledge base…", cancellationToken).ConfigureAwait(false);
        var calls = state.Plan?.ToolCalls ?? [];
        var results = new List<ToolResult>(calls.Count);
        foreach (var call in calls) results.Add(await RunToolAsync(call, cancellationToken).ConfigureAwait(false));

        var sources = results
            .SelectMany(r => r.Passages)
            .GroupBy(p => (p.Source, p.Title))
            .Select(g => new SourceReference(g.Key.Source, g.Key.Title, Math.Round(g.Max(p => p.Score), 4)))
            .OrderByDescending(s => s.Score)
            .ToList();
        metrics.Add(MetricNames.RetrievalHits, results.Sum(r => r.Passages.Count), MetricUnit.Count);
        await frames.SourcesAsync(sources, cancellationToken).ConfigureAwait(false);
        return state with { Rounds = [.. state.Rounds, new ToolRound(calls, results)] };
    }

    public async Task<ChatTurnState> StreamAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var turn = state.Turn;
        var frames = publisher.ForTurn(turn);
        await frames.StatusAsync(Phases.Streaming, "Writing the answer…", cancellationToken).ConfigureAwait(false);
        var prompt = await LoadPromptAsync(state, cancellationToken).ConfigureAwait(false);
        var options = new ChatOptions { MaxOutputTokens = settings.MaxOutputTokens };

        var answer = await StreamAnswerAsync(prompt, options, frames, state.AcceptedAt, cancellationToken).ConfigureAwait(false);
        var usage = state.Usage.Add(answer.Usage);
        var answerIndex = await history.AppendAsync(turn.SessionId, turn.RequestId, MessageRoles.Assistant, answer.Text, cancellationToken).ConfigureAwait(false);
        await turns.SetStatusAsync(turn.RequestId, TurnStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        await frames.DoneAsync(answer.StopReason, usage, answer.Model, cancellationToken).ConfigureAwait(false);
        metrics.Add(MetricNames.InputTokens, usage.InputTokens, MetricUnit.Count);
        metrics.Add(MetricNames.OutputTokens, usage.OutputTokens, MetricUnit.Count);
        RecordSince(MetricNames.TurnDuration, state.AcceptedAt);
        return state with { Usage = usage, Outcome = new TurnOutcome(answer.StopReason, answer.Model, answerIndex) };
    }

    public async Task<ChatTurnState> NotifyFailureAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var error = TurnErrors.Classify(state.Error?.Error ?? "Unknown", state.Turn.RequestId);
        await turns.SetStatusAsync(state.Turn.RequestId, TurnStatus.Failed, error.Code, cancellationToken).ConfigureAwait(false);
        await publisher.ForTurn(state.Turn).ErrorAsync(error.Code, error.Message, error.Retryable, cancellationToken).ConfigureAwait(false);
        metrics.AddDimension("Code", error.Code);
        metrics.Add(MetricNames.TurnFailures, 1, MetricUnit.Count);
        RecordSince(MetricNames.TurnDuration, state.AcceptedAt);
        return state;
    }

    private async Task<ToolResult> RunToolAsync(ToolCall call, CancellationToken cancellationToken)
    {
        if (call.Name != KnowledgeLookupTool.Name) return new ToolResult(call.CallId, [], $"Unknown tool \"{call.Name}\"; the only tool is {KnowledgeLookupTool.Name}.");
        if (string.IsNullOrWhiteSpace(call.Query)) return new ToolResult(call.CallId, [], "The query was empty.");
        var passages = await knowledgeBase.SearchAsync(call.Query, settings.RetrievalResults, cancellationToken).ConfigureAwait(false);
        return new ToolResult(
            call.CallId,
            passages.Select(p => new PassageRecord(p.Source, p.Title, Truncate(p.Text, settings.MaxPassageCharacters), p.Score)).ToList(),
            null);
    }

    private async Task<IReadOnlyList<ChatMessage>> LoadPromptAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var window = state.Prompt ?? throw new InvalidOperationException($"Turn {state.Turn.RequestId} reached a model step without a prompt window.");
        var messages = await history.ReadRangeAsync(state.Turn.SessionId, window.FirstIndex, window.LastIndex, cancellationToken).ConfigureAwait(false);
        return PromptBuilder.Build(settings.SystemPrompt, messages, state.Rounds);
    }

    private sealed record StreamedAnswer(string Text, string StopReason, string Model, TokenUsage Usage);

    /// <summary>
    /// Reads the model stream on one task and posts coalesced token frames on this one, so a slow post never
    /// stalls the model stream; text produced meanwhile simply joins the next frame.
    /// </summary>
    private async Task<StreamedAnswer> StreamAnswerAsync(
        IReadOnlyList<ChatMessage> prompt, ChatOptions options, TurnFrames frames, DateTimeOffset? acceptedAt, CancellationToken cancellationToken)
    {
        var tokens = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var finish = (ChatFinishReason?)null;
        string? modelId = null;
        var usage = TokenUsage.Zero;
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in model.GetStreamingResponseAsync(prompt, options, cancellationToken).ConfigureAwait(false))
                {
                    if (!string.IsNullOrEmpty(update.Text)) tokens.Writer.TryWrite(update.Text);
                    finish = update.FinishReason ?? finish;
                    modelId = update.ModelId ?? modelId;
                    foreach (var content in update.Contents.OfType<UsageContent>()) usage = usage.Add(ToUsage(content.Details));
                }
                tokens.Writer.TryComplete();
            }
            catch (Exception exception)
            {
                tokens.Writer.TryComplete(exception);
            }
        }, cancellationToken);

        var text = new StringBuilder();
        var posted = 0;
        var coalescer = new TokenCoalescer(settings.CoalesceInterval, settings.CoalesceMaxCharacters, time);
        async Task FlushAsync()
        {
            var chunk = coalescer.Take();
            await frames.TokenAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (posted++ == 0) RecordSince(MetricNames.TimeToFirstToken, acceptedAt);
        }

        try
        {
            var reader = tokens.Reader;
            while (true)
            {
                while (reader.TryRead(out var token))
                {
                    text.Append(token);
                    coalescer.Append(token, time.GetTimestamp());
                    if (coalescer.IsFull) await FlushAsync().ConfigureAwait(false);
                }
                var dueIn = coalescer.DueIn(time.GetTimestamp());
                if (dueIn == TimeSpan.Zero)
                {
                    await FlushAsync().ConfigureAwait(false);
                    dueIn = null;
                }
                if (!await WaitForTokensAsync(reader, dueIn, cancellationToken).ConfigureAwait(false)) break;
            }
            if (coalescer.HasPending) await FlushAsync().ConfigureAwait(false);
        }
        catch (Exception exception) when (posted > 0 && exception is not OperationCanceledException and not StreamInterruptedException)
        {
            throw new StreamInterruptedException($"The model stream failed after {posted} token frame(s) were posted.", exception);
        }
        finally
        {
            await producer.ConfigureAwait(false);
        }

        var metadata = model.GetService<ChatClientMetadata>();
        return new StreamedAnswer(text.ToString(), ToStopReason(finish), modelId ?? metadata?.DefaultModelId ?? "unknown", usage);
    }

    /// <summary>Waits for more tokens, or until held text falls due; false once the stream has ended.</summary>
    private async Task<bool> WaitForTokensAsync(ChannelReader<string> reader, TimeSpan? dueIn, CancellationToken cancellationToken)
    {
        if (dueIn is null) return await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        using var due = new CancellationTokenSource(dueIn.Value, time);
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

    private void RecordSince(string metric, DateTimeOffset? start)
    {
        if (start is { } from) metrics.Add(metric, (time.GetUtcNow() - from).TotalMilliseconds, MetricUnit.Milliseconds);
    }

    private static TokenUsage ToUsage(UsageDetails? details) =>
        details is null ? TokenUsage.Zero : new TokenUsage(details.InputTokenCount ?? 0, details.OutputTokenCount ?? 0);

    private static string ToStopReason(ChatFinishReason? finish)
    {
        if (finish is null || finish == ChatFinishReason.Stop) return StopReasons.EndTurn;
        if (finish == ChatFinishReason.Length) return StopReasons.MaxTokens;
        if (finish == ChatFinishReason.ContentFilter) return StopReasons.ContentFiltered;
        if (finish == ChatFinishReason.ToolCalls) return StopReasons.ToolUse;
        return finish.Value.Value;
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
