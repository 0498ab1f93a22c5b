using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Runs one execution of a <see cref="StateMachine"/> from a state entry (its StartAt state, or where an interrupted
/// run stopped) to the end, recording history events as it goes. Cancellation of the token passed to
/// <see cref="RunAsync"/> surfaces as an exception: stopping an execution from outside is the caller's outcome to
/// record. History writes are not cancelled with the run, so a stop leaves the history at a step it really took.
/// </summary>
internal sealed class ExecutionInterpreter(
    StateMachine machine,
    ExecutionInfo execution,
    ITaskInvoker invoker,
    ExecutionHistoryRecorder history,
    TimeProvider time,
    ILogger logger,
    TaskTokenRegistry taskTokens)
{
    private readonly ContextObject _context = new(execution);

    /// <summary>
    /// Runs from <paramref name="entry"/>. The state machine's TimeoutSeconds counts from this call, as AWS restarts it
    /// when an execution is redriven.
    /// </summary>
    public async Task<ExecutionOutcome> RunAsync(StateEntry entry, CancellationToken cancellationToken)
    {
        if (machine.TimeoutSeconds is not { } timeoutSeconds) return await RunStatesAsync(entry, cancellationToken).ConfigureAwait(false);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await RunStatesAsync(entry, linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ExecutionOutcome.TimedOut($"The execution ran longer than the state machine's TimeoutSeconds ({timeoutSeconds}).");
        }
    }

    private async Task<ExecutionOutcome> RunStatesAsync(StateEntry entry, CancellationToken cancellationToken)
    {
        if (!machine.States.TryGetValue(entry.StateName, out var state))
        {
            return ExecutionOutcome.Failed(
                StatesErrors.Runtime,
                $"The execution cannot resume at state '{entry.StateName}': "
                + "the state machine definition no longer has a state of that name.");
        }

        var input = entry.Input;
        while (true)
        {
            var entered = await RecordAsync(
                HistoryEventTypes.StateEntered(state.Type),
                new JsonObject { ["name"] = state.Name, ["input"] = AslJson.Serialize(input) }).ConfigureAwait(false);
            _context.EnterState(state.Name, entered.Timestamp);

            StateStep step;
            string outputJson;
            try
            {
                if (state is FailState fail) return FailWith(fail, new PathScope(input, _context.Json));
                step = await RunStateAsync(state, new PathScope(input, _context.Json), cancellationToken).ConfigureAwait(false);
                outputJson = AslJson.SerializeWithinQuota(step.Output, $"The output of state '{state.Name}'");
            }
            catch (StatesErrorException failure)
            {
                // AWS prefixes runtime errors with where they happened; task errors keep the cause the task gave.
                var cause = failure.Error == StatesErrors.Runtime
                    ? $"An error occurred while executing the state '{state.Name}' (entered at the event id #{entered.Id}). {failure.Cause}"
                    : failure.Cause;
                return ExecutionOutcome.Failed(failure.Error, cause);
            }

            history.HoldUntilNextRecord(
                HistoryEventTypes.StateExited(state.Type),
                new JsonObject { ["name"] = state.Name, ["output"] = outputJson });

            if (step.Next is null) return ExecutionOutcome.Succeeded(outputJson);
            state = machine.States[step.Next];
            input = step.Output;
        }
    }

    private async Task<StateStep> RunStateAsync(AslState state, PathScope scope, CancellationToken cancellationToken) => state switch
    {
        TaskState task => await RunTaskAsync(task, scope, cancellationToken).ConfigureAwait(false),
        PassState pass => RunPass(pass, scope),
        ChoiceState choice => RunChoice(choice, scope),
        SucceedState succeed => RunSucceed(succeed, scope),
        _ => throw new InvalidOperationException($"State type {state.Type} has no interpreter."),
    };

    private static StateStep RunPass(PassState pass, PathScope scope)
    {
        var effectiveInput = SelectData(pass.InputPath, scope, "InputPath");
        var template = pass.Result ?? pass.Parameters;
        var result = template is null ? effectiveInput : template.Evaluate(scope with { Data = effectiveInput });
        var combined = ApplyResultPath(pass.ResultPath, scope.Data, result);
        return new StateStep(SelectData(pass.OutputPath, scope with { Data = combined }, "OutputPath"), pass.Next);
    }

    private static StateStep RunChoice(ChoiceState choice, PathScope scope)
    {
        var effectiveScope = scope with { Data = SelectData(choice.InputPath, scope, "InputPath") };
        var next = choice.Choices.FirstOrDefault(branch => branch.Rule.Matches(effectiveScope))?.Next
            ?? choice.Default
            ?? throw new StatesErrorException(
                StatesErrors.NoChoiceMatched,
                $"No Choice rule of state '{choice.Name}' matched, and it has no Default.");
        return new StateStep(SelectData(choice.OutputPath, effectiveScope, "OutputPath"), next);
    }

    private static StateStep RunSucceed(SucceedState succeed, PathScope scope)
    {
        var effectiveScope = scope with { Data = SelectData(succeed.InputPath, scope, "InputPath") };
        return new StateStep(SelectData(succeed.OutputPath, effectiveScope, "OutputPath"), Next: null);
    }

    private static ExecutionOutcome FailWith(FailState fail, PathScope scope) => ExecutionOutcome.Failed(
        fail.ErrorPath is null ? fail.Error : ResolveText(fail.ErrorPath, scope, "ErrorPath"),
        fail.CausePath is null ? fail.Cause : ResolveText(fail.CausePath, scope, "CausePath"));

    private async Task<StateStep> RunTaskAsync(TaskState task, PathScope scope, CancellationToken cancellationToken)
    {
        var effectiveScope = scope with { Data = SelectData(task.InputPath, scope, "InputPath") };

        // Retry counts belong to this entry into the state, one per retrier: only the first matching retrier decides.
        var retriesByRetrier = new int[task.Retriers.Count];
        var retryCount = 0;
        while (true)
        {
            try
            {
                var output = await AttemptTaskAsync(task, scope.Data, effectiveScope, cancellationToken).ConfigureAwait(false);
                return new StateStep(output, task.Next);
            }
            catch (StatesErrorException failure) when (!failure.IsTerminal)
            {
                var retrierIndex = IndexOfFirstRetrierFor(task.Retriers, failure.Error);
                if (retrierIndex >= 0 && retriesByRetrier[retrierIndex] < task.Retriers[retrierIndex].MaxAttempts)
                {
                    var delay = task.Retriers[retrierIndex].DelayBeforeRetry(retriesByRetrier[retrierIndex]++, Random.Shared.NextDouble());
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                    _context.SetRetryCount(++retryCount);
                    continue;
                }

                var catcher = task.Catchers.FirstOrDefault(candidate => candidate.Handles(failure.Error));
                if (catcher is null) throw;
                return new StateStep(ApplyResultPath(catcher.ResultPath, scope.Data, failure.ToErrorOutput()), catcher.Next);
            }
        }
    }

    private async Task<JsonNode?> AttemptTaskAsync(
        TaskState task, JsonNode? input, PathScope effectiveScope, CancellationToken cancellationToken)
    {
        var (integration, waitsForTaskToken) = TaskResourceParser.Split(task.Resource);
        using var callback = waitsForTaskToken ? taskTokens.Issue(execution.ExecutionArn) : null;
        _context.SetTaskToken(callback?.Token);
        JsonNode? parameters;
        try
        {
            parameters = task.Parameters is null ? effectiveScope.Data?.DeepClone() : task.Parameters.Evaluate(effectiveScope);
        }
        finally
        {
            _context.SetTaskToken(null);
        }

        var limits = ResolveLimits(task, effectiveScope);
        var resource = TaskResource.Of(task.Resource);
        var scheduled = resource.Details();
        scheduled["region"] = execution.Region;
        scheduled["parameters"] = AslJson.SerializeWithinQuota(parameters, $"The parameters of state '{task.Name}'");
        if (limits.TimeoutSeconds is { } timeoutSeconds) scheduled["timeoutInSeconds"] = timeoutSeconds;
        if (limits.HeartbeatSeconds is { } heartbeatSeconds) scheduled["heartbeatInSeconds"] = heartbeatSeconds;
        await RecordAsync(HistoryEventTypes.TaskScheduled, scheduled).ConfigureAwait(false);
        await RecordAsync(HistoryEventTypes.TaskStarted, resource.Details()).ConfigureAwait(false);

        var result = await InvokeAsync(task, integration, resource, parameters, limits, callback, cancellationToken).ConfigureAwait(false);

        var succeeded = resource.Details();
        succeeded["output"] = AslJson.SerializeWithinQuota(result, $"The result of the task in state '{task.Name}'");
        await RecordAsync(HistoryEventTypes.TaskSucceeded, succeeded).ConfigureAwait(false);

        var selected = task.ResultSelector is null ? result : task.ResultSelector.Evaluate(effectiveScope with { Data = result });
        return SelectData(task.OutputPath, effectiveScope with { Data = ApplyResultPath(task.ResultPath, input, selected) }, "OutputPath");
    }

    /// <summary>The task's timeout and heartbeat, read from the input where the definition gives a path.</summary>
    private static TaskLimits ResolveLimits(TaskState task, PathScope scope)
    {
        var timeout = task.TimeoutSecondsPath is { } timeoutPath
            ? ResolveSeconds(timeoutPath, scope, "TimeoutSecondsPath")
            : task.TimeoutSeconds;
        var heartbeat = task.HeartbeatSecondsPath is { } heartbeatPath
            ? ResolveSeconds(heartbeatPath, scope, "HeartbeatSecondsPath")
            : task.HeartbeatSeconds;
        if (heartbeat >= timeout)
        {
            throw StatesErrorException.Runtime($"The task's heartbeat ({heartbeat} s) must be shorter than its timeout ({timeout} s).");
        }

        return new TaskLimits(timeout, heartbeat);
    }

    private static int ResolveSeconds(ReferencePath path, PathScope scope, string field)
    {
        var value = path.Resolve(scope, field);
        return AslJson.KindOf(value) == System.Text.Json.JsonValueKind.Number
            && value!.AsValue().TryGetValue<int>(out var seconds)
            && seconds is >= 1 and <= TaskTimeoutParser.LongestSeconds
            ? seconds
            : throw StatesErrorException.Runtime(
                $"The value at {field} '{path}' must be a whole number of seconds from 1 to {TaskTimeoutParser.LongestSeconds}, "
                + $"but was {AslJson.Serialize(value)}.");
    }

    private async Task<JsonNode?> InvokeAsync(
        TaskState task,
        string integration,
        TaskResource resource,
        JsonNode? parameters,
        TaskLimits limits,
        PendingTaskCallback? callback,
        CancellationToken cancellationToken)
    {
        using var timeout = limits.TimeoutSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time) : null;
        var heartbeat = callback?.StartHeartbeatClock(limits.HeartbeatSeconds, time) ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout?.Token ?? CancellationToken.None);
        try
        {
            // WaitAsync lets the state move on from an invocation that ignores cancellation, as AWS moves on from a
            // Lambda that outlives the task's timeout.
            var response = await invoker.InvokeAsync(integration, parameters, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            if (callback is null) return response;

            var submitted = resource.Details();
            submitted["output"] = AslJson.Serialize(response);
            await RecordAsync(HistoryEventTypes.TaskSubmitted, submitted).ConfigureAwait(false);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, heartbeat);
            return await callback.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (TaskFailedException failure) when (!cancellationToken.IsCancellationRequested)
        {
            throw await RecordTaskFailureAsync(HistoryEventTypes.TaskFailed, resource, failure.Error, failure.Cause).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            callback?.MarkTimedOut();
            throw await RecordTaskFailureAsync(
                HistoryEventTypes.TaskTimedOut,
                resource,
                StatesErrors.Timeout,
                $"The task did not finish within the state's timeout ({limits.TimeoutSeconds} s).").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (heartbeat.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            callback?.MarkTimedOut();
            throw await RecordTaskFailureAsync(
                HistoryEventTypes.TaskTimedOut,
                resource,
                StatesErrors.HeartbeatTimeout,
                $"No heartbeat or result arrived within the state's HeartbeatSeconds ({limits.HeartbeatSeconds}).").ConfigureAwait(false);
        }
        catch (Exception defect) when (!cancellationToken.IsCancellationRequested)
        {
            StepFunctionsLog.TaskInvokerDefect(logger, defect, task.Resource, task.Name);
            throw await RecordTaskFailureAsync(
                HistoryEventTypes.TaskFailed,
                resource,
                StatesErrors.Runtime,
                $"The task invoker for '{task.Resource}' failed unexpectedly: {defect.GetType().Name}: {defect.Message}")
                .ConfigureAwait(false);
        }
    }

    private async Task<StatesErrorException> RecordTaskFailureAsync(string eventType, TaskResource resource, string error, string? cause)
    {
        var details = resource.Details();
        details["error"] = error;
        if (cause is not null) details["cause"] = cause;
        await RecordAsync(eventType, details).ConfigureAwait(false);
        return new StatesErrorException(error, cause);
    }

    // A stop must not fall between a step and its record: a resumed run would repeat a step that had finished.
    private Task<HistoryEvent> RecordAsync(string type, JsonObject details) => history.RecordAsync(type, details, CancellationToken.None);

    /// <summary>InputPath and OutputPath: the node at the path, or an empty object when the path is JSON null.</summary>
    private static JsonNode? SelectData(ReferencePath? path, PathScope scope, string field) =>
        path is null ? new JsonObject() : path.Resolve(scope, field);

    /// <summary>ResultPath: the result placed into the state's input, or the input unchanged when the path is JSON null.</summary>
    private static JsonNode? ApplyResultPath(ReferencePath? path, JsonNode? input, JsonNode? result) =>
        path is null ? input?.DeepClone() : path.Place(input, result);

    private static string ResolveText(ReferencePath path, PathScope scope, string field) =>
        AslJson.TryGetString(path.Resolve(scope, field), out var text)
            ? text
            : throw StatesErrorException.Runtime($"The value at {field} '{path}' is not a string.");

    private static int IndexOfFirstRetrierFor(IReadOnlyList<Retrier> retriers, string error)
    {
        for (var i = 0; i < retriers.Count; i++)
        {
            if (retriers[i].Handles(error)) return i;
        }

        return -1;
    }

    /// <summary>A task's time limits in seconds, resolved for this attempt.</summary>
    private readonly record struct TaskLimits(int? TimeoutSeconds, int? HeartbeatSeconds);

    /// <summary>A state's output and the state to run next, null when the execution ends here.</summary>
    private readonly record struct StateStep(JsonNode? Output, string? Next);

    /// <summary>
    /// A Task resource as history events name it: <c>arn:aws:states:::lambda:invoke</c> is resource type
    /// <c>lambda</c>, resource <c>invoke</c>; any other ARN keeps its service as the type and itself as the resource.
    /// </summary>
    private readonly record struct TaskResource(string ResourceType, string Resource)
    {
        private const string ServiceIntegrationPrefix = "arn:aws:states:::";

        public static TaskResource Of(string arn)
        {
            if (arn.StartsWith(ServiceIntegrationPrefix, StringComparison.Ordinal))
            {
                var integration = arn[ServiceIntegrationPrefix.Length..];
                var separator = integration.IndexOf(':', StringComparison.Ordinal);
                if (separator > 0) return new TaskResource(integration[..separator], integration[(separator + 1)..]);
            }

            var parts = arn.Split(':');
            return new TaskResource(parts.Length > 2 ? parts[2] : arn, arn);
        }

        public JsonObject Details() => new() { ["resourceType"] = ResourceType, ["resource"] = Resource };
    }
}
