using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>Wait, Parallel and Map states.</summary>
internal sealed partial class ExecutionInterpreter
{
    /// <summary>
    /// AWS runs at most 40 iterations of an inline Map at once, whatever MaxConcurrency says (0 means no limit of the
    /// state's own); the same cap keeps a large ItemsPath array from starting thousands of iterations at once here.
    /// </summary>
    private const int InlineMapConcurrency = 40;

    private async Task<StateStep> RunWaitAsync(WaitState wait, PathScope scope, CancellationToken cancellationToken)
    {
        var effectiveScope = scope with { Data = SelectData(wait.InputPath, scope, "InputPath") };
        var delay = WaitDuration(wait, effectiveScope);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        var assigned = wait.Assign?.Evaluate(effectiveScope, wait.Name);
        return new StateStep(SelectData(wait.OutputPath, effectiveScope, "OutputPath"), wait.Next, assigned);
    }

    private TimeSpan WaitDuration(WaitState wait, PathScope scope)
    {
        if (wait.Seconds is { } seconds) return TimeSpan.FromSeconds(seconds);
        if (wait.Timestamp is { } timestamp) return timestamp - _time.GetUtcNow();
        if (wait.SecondsPath is { } secondsPath)
        {
            var value = secondsPath.Resolve(scope, "SecondsPath");
            return AslJson.KindOf(value) == JsonValueKind.Number && value!.AsValue().TryGetValue<long>(out var fromPath) && fromPath >= 0
                ? TimeSpan.FromSeconds(fromPath)
                : throw StatesErrorException.Runtime($"The value at SecondsPath '{secondsPath}' is not a non-negative integer.");
        }

        var timestampPath = wait.TimestampPath!;
        return ChoiceValues.TryGetTimestamp(timestampPath.Resolve(scope, "TimestampPath"), out var until)
            ? until - _time.GetUtcNow()
            : throw StatesErrorException.Runtime($"The value at TimestampPath '{timestampPath}' is not an RFC 3339 timestamp.");
    }

    private Task<StateStep> RunParallelAsync(ParallelState parallel, PathScope scope, CancellationToken cancellationToken)
    {
        var effectiveScope = scope with { Data = SelectData(parallel.InputPath, scope, "InputPath") };
        var branchInput = parallel.Parameters is null ? effectiveScope.Data : parallel.Parameters.Evaluate(effectiveScope);
        return RunWithRetryAndCatchAsync(
            parallel.Retriers,
            parallel.Catchers,
            scope,
            async () =>
            {
                var started = await RecordAsync(HistoryEventTypes.ParallelStateStarted, []).ConfigureAwait(false);
                var branches = new BranchSet(cancellationToken);
                var runs = parallel.Branches.Select(branch => branches.RunAsync(async token =>
                {
                    var run = ForBranch(_history.ForBranch(started));
                    return await run.RunGraphAsync(branch, branch.StartAt, branchInput?.DeepClone(), token).ConfigureAwait(false);
                }));
                var outputs = await branches.WhenAllAsync(
                    runs,
                    cancellationToken,
                    aborted: () => RecordAsync(HistoryEventTypes.ParallelStateAborted, []),
                    failed: () => RecordAsync(HistoryEventTypes.ParallelStateFailed, [])).ConfigureAwait(false);
                await RecordAsync(HistoryEventTypes.ParallelStateSucceeded, []).ConfigureAwait(false);
                return FinishComposite(parallel, scope, effectiveScope, new JsonArray([.. outputs]));
            },
            parallel.Name,
            cancellationToken);
    }

    private Task<StateStep> RunMapAsync(MapState map, PathScope scope, CancellationToken cancellationToken)
    {
        var effectiveScope = scope with { Data = SelectData(map.InputPath, scope, "InputPath") };
        var items = map.ItemsPath.Resolve(effectiveScope, "ItemsPath") as JsonArray
            ?? throw StatesErrorException.Runtime($"The value at ItemsPath '{map.ItemsPath}' is not an array.");
        var maxConcurrency = (int)(map.MaxConcurrency.Resolve(effectiveScope) ?? 0) is var asked and > 0 and < InlineMapConcurrency
            ? asked
            : InlineMapConcurrency;
        var tolerance = new FailureTolerance(
            map.ToleratedFailureCount.Resolve(effectiveScope), map.ToleratedFailurePercentage.Resolve(effectiveScope), items.Count);
        return RunWithRetryAndCatchAsync(
            map.Retriers,
            map.Catchers,
            scope,
            async () =>
            {
                var started = await RecordAsync(HistoryEventTypes.MapStateStarted, new JsonObject { ["length"] = items.Count })
                    .ConfigureAwait(false);
                using var slots = new SemaphoreSlim(maxConcurrency);
                var iterations = new BranchSet(cancellationToken);
                var failures = 0;
                var runs = items.Select((item, index) => iterations.RunAsync(async token =>
                {
                    await slots.WaitAsync(token).ConfigureAwait(false);
                    try
                    {
                        var outcome = await RunIterationAsync(map, effectiveScope, started, index, item, token).ConfigureAwait(false);
                        if (outcome.Status == ExecutionStatus.Succeeded) return outcome;
                        var failuresSoFar = Interlocked.Increment(ref failures);
                        if (!tolerance.IsSet) return outcome;
                        var errorOutput = new StatesErrorException(outcome.Error ?? "", outcome.Cause).ToErrorOutput();
                        return tolerance.Allows(failuresSoFar)
                            ? ExecutionOutcome.Succeeded(AslJson.Serialize(errorOutput))
                            : ExecutionOutcome.Failed(
                                StatesErrors.ExceedToleratedFailureThreshold,
                                $"The Map state '{map.Name}' had {failuresSoFar} failed iterations of {items.Count}, "
                                + "more than its tolerated failure threshold.");
                    }
                    finally
                    {
                        slots.Release();
                    }
                }));
                var outputs = await iterations.WhenAllAsync(
                    runs,
                    cancellationToken,
                    aborted: () => RecordAsync(HistoryEventTypes.MapStateAborted, []),
                    failed: () => RecordAsync(HistoryEventTypes.MapStateFailed, [])).ConfigureAwait(false);
                await RecordAsync(HistoryEventTypes.MapStateSucceeded, []).ConfigureAwait(false);
                return FinishComposite(map, scope, effectiveScope, new JsonArray([.. outputs]));
            },
            map.Name,
            cancellationToken);
    }

    /// <summary>One Map iteration, recorded in a history branch of its own from MapIterationStarted to its end.</summary>
    private async Task<ExecutionOutcome> RunIterationAsync(
        MapState map, PathScope effectiveScope, HistoryEvent started, int index, JsonNode? item, CancellationToken cancellationToken)
    {
        var iterationHistory = _history.ForBranch(started);
        var details = new JsonObject { ["name"] = map.Name, ["index"] = index };
        await iterationHistory.RecordAsync(HistoryEventTypes.MapIterationStarted, details, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var input = map.ItemSelector is null
                ? item?.DeepClone()
                : map.ItemSelector.Evaluate(effectiveScope with { Context = _context.WithMapItem(index, item) });
            var outcome = await ForBranch(iterationHistory)
                .RunGraphAsync(map.ItemProcessor, map.ItemProcessor.StartAt, input, cancellationToken).ConfigureAwait(false);
            var endType = outcome.Status == ExecutionStatus.Succeeded
                ? HistoryEventTypes.MapIterationSucceeded
                : HistoryEventTypes.MapIterationFailed;
            await iterationHistory.RecordAsync(endType, (JsonObject)details.DeepClone(), CancellationToken.None).ConfigureAwait(false);
            return outcome;
        }
        catch (StatesErrorException failure)
        {
            await iterationHistory.RecordAsync(
                HistoryEventTypes.MapIterationFailed, (JsonObject)details.DeepClone(), CancellationToken.None).ConfigureAwait(false);
            return ExecutionOutcome.Failed(failure.Error, failure.Cause);
        }
        catch (OperationCanceledException)
        {
            await iterationHistory.RecordAsync(
                HistoryEventTypes.MapIterationAborted, (JsonObject)details.DeepClone(), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>ResultSelector, Assign, ResultPath and OutputPath on a Parallel or Map state's array of branch outputs.</summary>
    private static StateStep FinishComposite(CompositeState state, PathScope scope, PathScope effectiveScope, JsonArray result)
    {
        var selected = state.ResultSelector is null ? result : state.ResultSelector.Evaluate(effectiveScope with { Data = result });
        var assigned = state.Assign?.Evaluate(effectiveScope with { Data = selected }, state.Name);
        var combined = ApplyResultPath(state.ResultPath, scope.Data, selected);
        return new StateStep(SelectData(state.OutputPath, effectiveScope with { Data = combined }, "OutputPath"), state.Next, assigned);
    }

    /// <summary>An interpreter for a branch: a copy of the context, an inner variable scope and the branch's history.</summary>
    private ExecutionInterpreter ForBranch(ExecutionHistoryRecorder branchHistory) =>
        new(_machine, _execution, _invoker, branchHistory, _time, _logger, _taskTokens, _context.ForBranch(), _variables.CreateInner());

    /// <summary>When a Map's failed iterations are too many: more than the count, or more than the percentage, when set.</summary>
    private readonly record struct FailureTolerance(double? Count, double? Percentage, int Items)
    {
        public bool IsSet => Count is not null || Percentage is not null;

        public bool Allows(int failures) =>
            (Count is null || failures <= Count)
            && (Percentage is null || failures * 100.0 / Math.Max(1, Items) <= Percentage);
    }

    /// <summary>
    /// Branches running side by side: the first one to fail stops the others, and the state fails with its error, as
    /// AWS fails a Parallel state with the error of the branch that failed.
    /// </summary>
    private sealed class BranchSet(CancellationToken stateCancellation)
    {
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(stateCancellation);
        private StatesErrorException? _firstFailure;

        public async Task<JsonNode?> RunAsync(Func<CancellationToken, Task<ExecutionOutcome>> run)
        {
            var outcome = await run(_stop.Token).ConfigureAwait(false);
            if (outcome.Status == ExecutionStatus.Succeeded) return JsonNode.Parse(outcome.Output!);

            var failure = new StatesErrorException(outcome.Error ?? "", outcome.Cause);
            Interlocked.CompareExchange(ref _firstFailure, failure, null);
            await _stop.CancelAsync().ConfigureAwait(false);
            throw failure;
        }

        /// <summary>The branch outputs in order, once every branch has ended; a stop or a failure is recorded, then thrown.</summary>
        public async Task<JsonNode?[]> WhenAllAsync(
            IEnumerable<Task<JsonNode?>> runs, CancellationToken cancellationToken, Func<Task> aborted, Func<Task> failed)
        {
            try
            {
                var all = Task.WhenAll(runs.ToList());
                try
                {
                    return await all.ConfigureAwait(false);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    await aborted().ConfigureAwait(false);
                    throw;
                }
                catch (Exception) when (_firstFailure is not null)
                {
                    await failed().ConfigureAwait(false);
                    throw _firstFailure;
                }
            }
            finally
            {
                _stop.Dispose();
            }
        }
    }
}
