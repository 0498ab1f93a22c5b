using Conduit.Core.Contracts;
using Conduit.Core.Observability;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// The steps of StateMachines/chat-turn.asl.json, one method per Task state. Each takes the workflow state and
/// returns it with its own part added; each is safe to run again (history appends are idempotent), which both
/// Retry and the local host's recovery after a crash rely on. Each step first honours a cancel request; once a
/// turn has an outcome, later steps pass the state through.
/// </summary>
public sealed class ChatWorkflow(
    ITurnStore turns,
    IHistoryStore history,
    IKnowledgeBase knowledgeBase,
    FramePublisher publisher,
    TurnSequencer sequencer,
    AnswerStreamer streamer,
    ConduitSettings settings,
    IMetrics metrics,
    TimeProvider time,
    ILogger<ChatWorkflow> logger)
{
    /// <summary>The outcome of an execution that found its turn claimed by another start of the same attempt.</summary>
    public const string DuplicateRun = "duplicate_run";

    private const string WritingTheAnswer = "Writing the answer…";

    public async Task<ChatTurnState> BuildPromptAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var turn = state.Turn;
        var record = await turns.GetAsync(turn.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(turn.RequestId);
        if (record.IsFinished) return state with { Outcome = FinishedOutcome(record) };
        if (record.CancelRequested) return await FinishCancelledAsync(state, answer: null, cancellationToken).ConfigureAwait(false);
        if (state.RunId is { } run)
        {
            if (!await turns.ClaimRunAsync(turn.Key, run, cancellationToken).ConfigureAwait(false))
            {
                ChatLog.DuplicateRunStopped(logger, turn.RequestId, turn.Attempt);
                return state with { Outcome = new TurnOutcome(DuplicateRun, TurnCanceller.NoModel, 0) };
            }
        }
        else
        {
            await turns.SetStatusAsync(turn.Key, TurnStatus.Running, null, cancellationToken).ConfigureAwait(false);
        }
        await publisher.ForTurn(turn).StatusAsync(Phases.BuildingPrompt, "Reading the conversation…", cancellationToken)
            .ConfigureAwait(false);

        var userIndex = await history.AppendAsync(
            turn.SessionId, turn.RequestId, MessageRoles.User, record.Text, MessageStatuses.Complete, cancellationToken)
            .ConfigureAwait(false);
        var latest = await history.ReadLatestAsync(turn.SessionId, userIndex, settings.HistoryWindow, cancellationToken)
            .ConfigureAwait(false);
        var window = SlidingWindow.Select(latest, settings.HistoryWindow, settings.MaxPromptCharacters);
        return state with { Prompt = new PromptWindow(window[0].Index, userIndex, window.Count, latest.Count - window.Count) };
    }

    /// <summary>
    /// Streams the model's reply with <c>kb_lookup</c> offered, so the call that decides is also the one that answers: text
    /// goes out as token frames (after a <c>streaming</c> status, posted before the first of them) and a reply without a
    /// tool call finishes the turn here. A reply that calls the tool goes to Retrieve; any text it wrote first is replaced
    /// on the client by the next <c>streaming</c> status. Once the tool rounds are used up, Stream answers without tools.
    /// The turn record is read first, so a rerun after the turn finished (a retry whose first run had answered) posts nothing.
    /// </summary>
    public async Task<ChatTurnState> PlanAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var finished = new PlanDecision(PlanActions.Answered, state.Rounds.Count, []);
        if (await StopBeforeModelAsync(state with { Plan = finished }, cancellationToken).ConfigureAwait(false) is { } stopped)
            return stopped;
        if (state.Rounds.Count >= settings.MaxToolRounds)
            return state with { Plan = new PlanDecision(PlanActions.Answer, state.Rounds.Count, []) };

        var frames = publisher.ForTurn(state.Turn);
        var message = state.Rounds.Count == 0 ? "Thinking…" : "Reading what the knowledge base found…";
        await frames.StatusAsync(Phases.Planning, message, cancellationToken).ConfigureAwait(false);
        var options = new ChatOptions
        {
            MaxOutputTokens = settings.MaxOutputTokens,
            Tools = [KnowledgeLookupTool.Declaration],
            ToolMode = ChatToolMode.Auto,
        };
        var prompt = await LoadPromptAsync(state, cancellationToken).ConfigureAwait(false);
        var answer = await streamer.StreamAsync(
            prompt, options, frames, frames.CancelRequestedAsync, state.AcceptedAt,
            token => frames.StatusAsync(Phases.Streaming, WritingTheAnswer, token), cancellationToken)
            .ConfigureAwait(false);
        var usage = state.Usage.Add(answer.Usage);
        if (answer.Cancelled)
        {
            var cancelled = state with { Usage = usage, Plan = finished };
            return await FinishCancelledAsync(cancelled, answer, cancellationToken).ConfigureAwait(false);
        }

        metrics.Add(MetricNames.ToolCalls, answer.ToolCalls.Count, MetricUnit.Count);
        if (answer.ToolCalls.Count > 0)
            return state with { Plan = new PlanDecision(PlanActions.Retrieve, state.Rounds.Count + 1, answer.ToolCalls), Usage = usage };
        var completed = await CompleteAsync(state with { Usage = usage }, frames, answer, cancellationToken).ConfigureAwait(false);
        return completed with { Plan = finished };
    }

    public async Task<ChatTurnState> RetrieveAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        if (state.Outcome is not null) return state;
        if (await CancelRequestedAsync(state, cancellationToken).ConfigureAwait(false))
            return await FinishCancelledAsync(state, answer: null, cancellationToken).ConfigureAwait(false);

        var frames = publisher.ForTurn(state.Turn);
        await frames.StatusAsync(Phases.Retrieving, "Searching knowledge base…", cancellationToken).ConfigureAwait(false);
        var calls = state.Plan?.ToolCalls ?? [];
        var results = new List<ToolResult>(calls.Count);
        foreach (var call in calls) results.Add(await RunToolAsync(call, cancellationToken).ConfigureAwait(false));

        var sources = results
            .SelectMany(r => r.Passages)
            .GroupBy(p => (p.Source, p.Title))
            .Select(g => new SourceReference(g.Key.Source, g.Key.Title, Math.Round(g.Max(p => p.Score), 4))
            {
                Text = string.Join("\n\n", g.OrderByDescending(p => p.Score).Select(p => p.Text).Distinct(StringComparer.Ordinal)),
            })
            .OrderByDescending(s => s.Score)
            .ToList();
        metrics.Add(MetricNames.RetrievalHits, results.Sum(r => r.Passages.Count), MetricUnit.Count);
        await frames.SourcesAsync(sources, cancellationToken).ConfigureAwait(false);
        return state with { Rounds = [.. state.Rounds, new ToolRound(calls, results)] };
    }

    /// <summary>
    /// Posts the streaming status first: a client keeps only the token text after a turn's latest streaming
    /// status, so a stream that starts again (after a crash of the local host) replaces the partial text.
    /// </summary>
    public async Task<ChatTurnState> StreamAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        if (await StopBeforeModelAsync(state, cancellationToken).ConfigureAwait(false) is { } stopped) return stopped;

        var frames = publisher.ForTurn(state.Turn);
        await frames.StatusAsync(Phases.Streaming, WritingTheAnswer, cancellationToken).ConfigureAwait(false);
        var prompt = await LoadPromptAsync(state, cancellationToken).ConfigureAwait(false);
        var options = new ChatOptions { MaxOutputTokens = settings.MaxOutputTokens };

        var answer = await streamer.StreamAsync(
            prompt, options, frames, frames.CancelRequestedAsync, state.AcceptedAt, null, cancellationToken)
            .ConfigureAwait(false);
        if (answer.Cancelled)
        {
            var cancelled = state with { Usage = state.Usage.Add(answer.Usage) };
            return await FinishCancelledAsync(cancelled, answer, cancellationToken).ConfigureAwait(false);
        }
        return await CompleteAsync(state with { Usage = state.Usage.Add(answer.Usage) }, frames, answer, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Saves the answer, marks the turn completed, posts <c>done</c> and moves the session to its next turn.</summary>
    private async Task<ChatTurnState> CompleteAsync(
        ChatTurnState state, TurnFrames frames, StreamedAnswer answer, CancellationToken cancellationToken)
    {
        var turn = state.Turn;
        var usage = state.Usage;
        var answerIndex = await history.AppendAsync(
            turn.SessionId, turn.RequestId, MessageRoles.Assistant, answer.Text, MessageStatuses.Complete, cancellationToken)
            .ConfigureAwait(false);
        await turns.SetStatusAsync(turn.Key, TurnStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        await frames.DoneAsync(answer.StopReason, usage, answer.Model, cancellationToken).ConfigureAwait(false);
        metrics.Add(MetricNames.InputTokens, usage.InputTokens, MetricUnit.Count);
        metrics.Add(MetricNames.OutputTokens, usage.OutputTokens, MetricUnit.Count);
        RecordSince(MetricNames.TurnDuration, state.AcceptedAt);
        await sequencer.FinishAsync(turn, cancellationToken).ConfigureAwait(false);
        return state with { Outcome = new TurnOutcome(answer.StopReason, answer.Model, answerIndex) };
    }

    /// <summary>
    /// The client gets a stable code and a plain sentence; what failed, and why, goes to the log (and is in the
    /// execution's history), never into the frame.
    /// </summary>
    public async Task<ChatTurnState> NotifyFailureAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var errorName = state.Error?.Error ?? "Unknown";
        var error = TurnErrors.Classify(errorName, state.Turn.RequestId);
        ChatLog.TurnFailed(logger, state.Turn.RequestId, state.Turn.Attempt, error.Code, errorName, state.Error?.Cause);
        await turns.SetStatusAsync(state.Turn.Key, TurnStatus.Failed, error.Code, cancellationToken).ConfigureAwait(false);
        await publisher.ForTurn(state.Turn).ErrorAsync(error.Code, error.Message, error.Retryable, cancellationToken).ConfigureAwait(false);
        metrics.AddDimension("Code", error.Code);
        metrics.Add(MetricNames.TurnFailures, 1, MetricUnit.Count);
        RecordSince(MetricNames.TurnDuration, state.AcceptedAt);
        await sequencer.FinishAsync(state.Turn, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// The state to end the step with when the turn must not reach the model: it has an outcome already, its record says
    /// it finished (a rerun of a step whose first run completed it), or the client cancelled it. Null when it may go on.
    /// </summary>
    private async Task<ChatTurnState?> StopBeforeModelAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        if (state.Outcome is not null) return state;
        var record = await turns.GetAsync(state.Turn.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new TurnNotFoundException(state.Turn.RequestId);
        if (record.IsFinished) return state with { Outcome = FinishedOutcome(record) };
        return record.CancelRequested
            ? await FinishCancelledAsync(state, answer: null, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private static TurnOutcome FinishedOutcome(TurnRecord record) =>
        new(record.Status.ToString().ToLowerInvariant(), TurnCanceller.NoModel, 0);

    private Task<bool> CancelRequestedAsync(ChatTurnState state, CancellationToken cancellationToken) =>
        turns.IsCancelRequestedAsync(state.Turn.Key, cancellationToken);

    /// <summary>
    /// Ends a cancelled turn: the partial answer (empty when the model had not begun) is saved marked cancelled
    /// once the question is in history, <c>done</c> says cancelled, and the session moves to its next turn.
    /// </summary>
    private async Task<ChatTurnState> FinishCancelledAsync(
        ChatTurnState state, StreamedAnswer? answer, CancellationToken cancellationToken)
    {
        var turn = state.Turn;
        var answerIndex = state.Prompt is null
            ? 0
            : await history.AppendAsync(
                turn.SessionId, turn.RequestId, MessageRoles.Assistant, answer?.Text ?? "", MessageStatuses.Cancelled, cancellationToken)
                .ConfigureAwait(false);
        await turns.SetStatusAsync(turn.Key, TurnStatus.Cancelled, null, cancellationToken).ConfigureAwait(false);
        var modelName = answer?.Model ?? TurnCanceller.NoModel;
        await publisher.ForTurn(turn).DoneAsync(StopReasons.Cancelled, state.Usage, modelName, cancellationToken).ConfigureAwait(false);
        RecordSince(MetricNames.TurnDuration, state.AcceptedAt);
        await sequencer.FinishAsync(turn, cancellationToken).ConfigureAwait(false);
        return state with { Outcome = new TurnOutcome(StopReasons.Cancelled, modelName, answerIndex) };
    }

    private async Task<ToolResult> RunToolAsync(ToolCall call, CancellationToken cancellationToken)
    {
        if (call.Name != KnowledgeLookupTool.Name)
            return new ToolResult(call.CallId, [], $"Unknown tool \"{call.Name}\"; the only tool is {KnowledgeLookupTool.Name}.");
        if (string.IsNullOrWhiteSpace(call.Query)) return new ToolResult(call.CallId, [], "The query was empty.");
        var passages = await knowledgeBase.SearchAsync(call.Query, settings.RetrievalResults, cancellationToken).ConfigureAwait(false);
        return new ToolResult(
            call.CallId,
            passages.Select(p => new PassageRecord(p.Source, p.Title, Truncate(p.Text, settings.MaxPassageCharacters), p.Score)).ToList());
    }

    private async Task<IReadOnlyList<ChatMessage>> LoadPromptAsync(ChatTurnState state, CancellationToken cancellationToken)
    {
        var window = state.Prompt
            ?? throw new InvalidOperationException($"Turn {state.Turn.RequestId} reached a model step without a prompt window.");
        var messages = await history.ReadRangeAsync(state.Turn.SessionId, window.FirstIndex, window.LastIndex, cancellationToken)
            .ConfigureAwait(false);
        return PromptBuilder.Build(settings.SystemPrompt, messages, state.Rounds);
    }

    private void RecordSince(string metric, DateTimeOffset? start)
    {
        if (start is { } from) metrics.Add(metric, (time.GetUtcNow() - from).TotalMilliseconds, MetricUnit.Milliseconds);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
