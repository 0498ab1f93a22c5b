using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Runs one execution of a <see cref="StateMachine"/> from a state entry (its StartAt state, or where an interrupted
/// run stopped) to the end, recording history events as it goes. Cancellation of the token passed to
/// <see cref="RunAsync"/> surfaces as an exception: stopping an execution from outside is the caller's outcome to
/// record. History writes are not cancelled with the run, so a stop leaves the history at a step it really took.
/// A Parallel branch or Map iteration runs in an interpreter of its own, with its own context object, variable
/// scope and history branch; its partial classes hold Wait, Parallel and Map.
/// </summary>
internal sealed partial class ExecutionInterpreter
{
    private readonly StateMachine _machine;
    private readonly ExecutionInfo _execution;
    private readonly ITaskInvoker _invoker;
    private readonly ExecutionHistoryRecorder _history;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskTokenRegistry _taskTokens;
    private readonly ContextObject _context;
    private readonly VariableScope _variables;

    public ExecutionInterpreter(
        StateMachine machine,
        ExecutionInfo execution,
        ITaskInvoker invoker,
        ExecutionHistoryRecorder history,
        TimeProvider time,
        ILogger logger,
        TaskTokenRegistry taskTokens)
        : this(machine, execution, invoker, history, time, logger, taskTokens, new ContextObject(execution), new VariableScope())
    {
    }

    private ExecutionInterpreter(
        StateMachine machine,
        ExecutionInfo execution,
        ITaskInvoker invoker,
        ExecutionHistoryRecorder history,
        TimeProvider time,
        ILogger logger,
        TaskTokenRegistry taskTokens,
        ContextObject context,
        VariableScope variables)
    {
        _machine = machine;
        _execution = execution;
        _invoker = invoker;
        _history = history;
        _time = time;
        _logger = logger;
        _taskTokens = taskTokens;
        _context = context;
        _variables = variables;
    }

    /// <summary>
    /// Runs from <paramref name="entry"/>. The state machine's TimeoutSeconds counts from this call, as AWS restarts it
    /// when an execution is redriven.
    /// </summary>
    public async Task<ExecutionOutcome> RunAsync(StateEntry entry, CancellationToken cancellationToken)
    {
        if (_machine.TimeoutSeconds is not { } timeoutSeconds) return await RunStatesAsync(entry, cancellationToken).ConfigureAwait(false);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds), _time);
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

    private Task<ExecutionOutcome> RunStatesAsync(StateEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Variables is { } restored) _variables.Assign(restored);
        return RunGraphAsync(_machine.Graph, entry.StateName, entry.Input, cancellationToken);
    }

    /// <summary>Runs the states of <paramref name="graph"/> from <paramref name="stateName"/> until one ends the run.</summary>
    private async Task<ExecutionOutcome> RunGraphAsync(
        StateGraph graph, string stateName, JsonNode? input, CancellationToken cancellationToken)
    {
        if (!graph.States.TryGetValue(stateName, out var state))
        {
            return ExecutionOutcome.Failed(
                StatesErrors.Runtime,
                $"The execution cannot resume at state '{stateName}': "
                + "the state machine definition no longer has a state of that name.");
        }

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
                var scope = new PathScope(input, _context.Json, _variables);
                if (state is FailState fail) return FailWith(fail, scope);
                step = await RunStateAsync(state, scope, cancellationToken).ConfigureAwait(false);
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

            var exited = new JsonObject { ["name"] = state.Name, ["output"] = outputJson };
            if (step.Assigned is { Count: > 0 } assigned)
            {
                _variables.Assign(assigned);
                exited["assignedVariables"] = new JsonObject(assigned.Select(
                    variable => KeyValuePair.Create(variable.Key, (JsonNode?)AslJson.Serialize(variable.Value))));
                exited["assignedVariablesDetails"] = new JsonObject { ["truncated"] = false };
            }

            _history.HoldUntilNextRecord(HistoryEventTypes.StateExited(state.Type), exited);

            if (step.Next is null) return ExecutionOutcome.Succeeded(outputJson);
            state = graph.States[step.Next];
            input = step.Output;
        }
    }

    private async Task<StateStep> RunStateAsync(AslState state, PathScope scope, CancellationToken cancellationToken) => state switch
    {
        TaskState task => await RunTaskAsync(task, scope, cancellationToken).ConfigureAwait(false),
        PassState pass => RunPass(pass, scope),
        ChoiceState choice => RunChoice(choice, scope),
        SucceedState succeed => RunSucceed(succeed, scope),
        WaitState wait => await RunWaitAsync(wait, scope, cancellationToken).ConfigureAwait(false),
        ParallelState parallel => await RunParallelAsync(parallel, scope, cancellationToken).ConfigureAwait(false),
        MapState map => await RunMapAsync(map, scope, cancellationToken).ConfigureAwait(false),
        _ => throw new InvalidOperationException($"State type {state.Type} has no interpreter."),
    };

    private static StateStep RunPass(PassState pass, PathScope scope)
    {
        var effectiveInput = SelectData(pass.InputPath, scope, "InputPath");
        var template = pass.Result ?? pass.Parameters;
        var result = template is null ? effectiveInput : template.Evaluate(scope with { Data = effectiveInput });
        var assigned = pass.Assign?.Evaluate(scope with { Data = result }, pass.Name);
        var combined = ApplyResultPath(pass.ResultPath, scope.Data, result);
        return new StateStep(SelectData(pass.OutputPath, scope with { Data = combined }, "OutputPath"), pass.Next, assigned);
    }

    private static StateStep RunChoice(ChoiceState choice, PathScope scope)
    {
        var effectiveScope = scope with { Data = SelectData(choice.InputPath, scope, "InputPath") };
        var matched = choice.Choices.FirstOrDefault(branch => branch.Rule.Matches(effectiveScope));
        var next = matched?.Next
            ?? choice.Default
            ?? throw new StatesErrorException(
                StatesErrors.NoChoiceMatched,
                $"No Choice rule of state '{choice.Name}' matched, and it has no Default.");

        // The state's Assign applies whichever way the state goes; a matching rule's Assign adds to it.
        var assigned = choice.Assign?.Evaluate(effectiveScope, choice.Name);
        if (matched?.Assign?.Evaluate(effectiveScope, choice.Name) is { } byRule)
        {
            assigned ??= [];
            foreach (var (name, value) in byRule) assigned[name] = value?.DeepClone();
        }

        return new StateStep(SelectData(choice.OutputPath, effectiveScope, "OutputPath"), next, assigned);
    }

    private static StateStep RunSucceed(SucceedState succeed, PathScope scope)
    {
        var effectiveScope = scope with { Data = SelectData(succeed.InputPath, scope, "InputPath") };
        return new StateStep(SelectData(succeed.OutputPath, effectiveScope, "OutputPath"), Next: null);
    }

    private static ExecutionOutcome FailWith(FailState fail, PathScope scope) => ExecutionOutcome.Failed(
        FailText(fail.Error, fail.ErrorPath, fail.ErrorCall, scope, "ErrorPath"),
        FailText(fail.Cause, fail.CausePath, fail.CauseCall, scope, "CausePath"));

    private static string? FailText(string? text, ReferencePath? path, IntrinsicCall? call, PathScope scope, string field)
    {
        if (call is not null)
        {
            return AslJson.TryGetString(call.Evaluate(scope, field), out var value)
                ? value
                : throw StatesErrorException.Runtime($"The value {call.Function.Name} gives for {field} is not a string.");
        }

        return path is null ? text : ResolveText(path, scope, field);
    }

    private Task<StateStep> RunTaskAsync(TaskState task, PathScope scope, CancellationToken cancellationToken)
    {
        var effectiveScope = scope with { Data = SelectData(task.InputPath, scope, "InputPath") };
        return RunWithRetryAndCatchAsync(
            task.Retriers,
            task.Catchers,
            scope,
            () => AttemptTaskAsync(task, scope.Data, effectiveScope, cancellationToken),
            task.Name,
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> under a state's Retry and Catch fields. Retry counts belong to this entry into the
    /// state, one per retrier: only the first matching retrier decides.
    /// </summary>
    private async Task<StateStep> RunWithRetryAndCatchAsync(
        IReadOnlyList<Retrier> retriers,
        IReadOnlyList<Catcher> catchers,
        PathScope scope,
        Func<Task<StateStep>> attempt,
        string stateName,
        CancellationToken cancellationToken)
    {
        var retriesByRetrier = new int[retriers.Count];
        var retryCount = 0;
        while (true)
        {
            try
            {
                return await attempt().ConfigureAwait(false);
            }
            catch (StatesErrorException failure) when (!failure.IsTerminal)
            {
                var retrierIndex = IndexOfFirstRetrierFor(retriers, failure.Error);
                if (retrierIndex >= 0 && retriesByRetrier[retrierIndex] < retriers[retrierIndex].MaxAttempts)
                {
                    var delay = retriers[retrierIndex].DelayBeforeRetry(retriesByRetrier[retrierIndex]++, Random.Shared.NextDouble());
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                    _context.SetRetryCount(++retryCount);
                    continue;
                }

                var catcher = catchers.FirstOrDefault(candidate => candidate.Handles(failure.Error));
                if (catcher is null) throw;
                var errorOutput = failure.ToErrorOutput();
                var assigned = catcher.Assign?.Evaluate(scope with { Data = errorOutput }, stateName);
                return new StateStep(ApplyResultPath(catcher.ResultPath, scope.Data, errorOutput), catcher.Next, assigned);
            }
        }
    }

    private async Task<StateStep> AttemptTaskAsync(
        TaskState task, JsonNode? input, PathScope effectiveScope, CancellationToken cancellationToken)
    {
        var (integration, waitsForTaskToken) = TaskResourceParser.Split(task.Resource);
        using var callback = waitsForTaskToken ? _taskTokens.Issue(_execution.ExecutionArn) : null;
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
        var parametersText = AslJson.SerializeWithinQuota(parameters, $"The parameters of state '{task.Name}'");
        var scheduled = resource.ScheduledDetails(_execution.Region, parametersText, limits);
        await RecordAsync(resource.ScheduledType, scheduled).ConfigureAwait(false);
        await RecordAsync(resource.StartedType, resource.StartedDetails()).ConfigureAwait(false);

        var result = await InvokeAsync(task, integration, resource, parameters, limits, callback, cancellationToken).ConfigureAwait(false);

        var resultText = AslJson.SerializeWithinQuota(result, $"The result of the task in state '{task.Name}'");
        await RecordAsync(resource.SucceededType, resource.SucceededDetails(resultText)).ConfigureAwait(false);

        var selected = task.ResultSelector is null ? result : task.ResultSelector.Evaluate(effectiveScope with { Data = result });
        var assigned = task.Assign?.Evaluate(effectiveScope with { Data = selected }, task.Name);
        var combined = ApplyResultPath(task.ResultPath, input, selected);
        var output = SelectData(task.OutputPath, effectiveScope with { Data = combined }, "OutputPath");
        return new StateStep(output, task.Next, assigned);
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
        using var timeout = limits.TimeoutSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), _time) : null;
        var heartbeat = callback?.StartHeartbeatClock(limits.HeartbeatSeconds, _time) ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout?.Token ?? CancellationToken.None);
        try
        {
            // WaitAsync lets the state move on from an invocation that ignores cancellation, as AWS moves on from a
            // Lambda that outlives the task's timeout.
            var response = await _invoker.InvokeAsync(integration, parameters, linked.Token).WaitAsync(linked.Token).ConfigureAwait(false);
            if (callback is null) return response;

            var submitted = resource.Details();
            submitted["output"] = AslJson.Serialize(response);
            await RecordAsync(HistoryEventTypes.TaskSubmitted, submitted).ConfigureAwait(false);
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, heartbeat);
            return await callback.WaitAsync(waiting.Token).ConfigureAwait(false);
        }
        catch (TaskFailedException failure) when (!cancellationToken.IsCancellationRequested)
        {
            throw await RecordTaskFailureAsync(resource.FailedType, resource, failure.Error, failure.Cause).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
        {
            callback?.MarkTimedOut();
            throw await RecordTaskFailureAsync(
                resource.TimedOutType,
                resource,
                StatesErrors.Timeout,
                $"The task did not finish within the state's timeout ({limits.TimeoutSeconds} s).").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (heartbeat.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            callback?.MarkTimedOut();
            throw await RecordTaskFailureAsync(
                resource.TimedOutType,
                resource,
                StatesErrors.HeartbeatTimeout,
                $"No heartbeat or result arrived within the state's HeartbeatSeconds ({limits.HeartbeatSeconds}).").ConfigureAwait(false);
        }
        catch (Exception defect) when (!cancellationToken.IsCancellationRequested)
        {
            StepFunctionsLog.TaskInvokerDefect(_logger, defect, task.Resource, task.Name);
            throw await RecordTaskFailureAsync(
                resource.FailedType,
                resource,
                StatesErrors.Runtime,
                $"The task invoker for '{task.Resource}' failed unexpectedly: {defect.GetType().Name}: {defect.Message}")
                .ConfigureAwait(false);
        }
    }

    private async Task<StatesErrorException> RecordTaskFailureAsync(string eventType, TaskResource resource, string error, string? cause)
    {
        await RecordAsync(eventType, resource.FailureDetails(error, cause)).ConfigureAwait(false);
        return new StatesErrorException(error, cause);
    }

    // A stop must not fall between a step and its record: a resumed run would repeat a step that had finished.
    private Task<HistoryEvent> RecordAsync(string type, JsonObject details) => _history.RecordAsync(type, details, CancellationToken.None);

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

    /// <summary>
    /// A state's output, the state to run next (null when the run ends here) and the variables it assigns, which take
    /// effect once it has exited.
    /// </summary>
    private readonly record struct StateStep(JsonNode? Output, string? Next, JsonObject? Assigned = null);

    /// <summary>
    /// A Task resource as history events name it. A Lambda function's ARN (the direct form) records AWS's
    /// <c>LambdaFunction*</c> events, whose details name only the function; any other resource records <c>Task*</c>
    /// events naming its type and resource: <c>arn:aws:states:::lambda:invoke</c> is type <c>lambda</c>, resource
    /// <c>invoke</c>, and any other ARN keeps its service as the type and itself as the resource.
    /// </summary>
    private readonly record struct TaskResource(string ResourceType, string Resource, bool IsLambdaFunction)
    {
        private const string ServiceIntegrationPrefix = "arn:aws:states:::";

        public static TaskResource Of(string arn)
        {
            if (arn.StartsWith(ServiceIntegrationPrefix, StringComparison.Ordinal))
            {
                var integration = arn[ServiceIntegrationPrefix.Length..];
                var separator = integration.IndexOf(':', StringComparison.Ordinal);
                if (separator > 0) return new TaskResource(integration[..separator], integration[(separator + 1)..], false);
            }

            var parts = arn.Split(':');
            return new TaskResource(parts.Length > 2 ? parts[2] : arn, arn, LambdaFunctionName.FromResourceArn(arn) is not null);
        }

        public string ScheduledType => IsLambdaFunction ? HistoryEventTypes.LambdaFunctionScheduled : HistoryEventTypes.TaskScheduled;

        public string StartedType => IsLambdaFunction ? HistoryEventTypes.LambdaFunctionStarted : HistoryEventTypes.TaskStarted;

        public string SucceededType => IsLambdaFunction ? HistoryEventTypes.LambdaFunctionSucceeded : HistoryEventTypes.TaskSucceeded;

        public string FailedType => IsLambdaFunction ? HistoryEventTypes.LambdaFunctionFailed : HistoryEventTypes.TaskFailed;

        public string TimedOutType => IsLambdaFunction ? HistoryEventTypes.LambdaFunctionTimedOut : HistoryEventTypes.TaskTimedOut;

        public JsonObject ScheduledDetails(string region, string parameters, TaskLimits limits)
        {
            JsonObject details = IsLambdaFunction
                ? new() { ["resource"] = Resource, ["input"] = parameters, ["inputDetails"] = NotTruncated() }
                : new() { ["resourceType"] = ResourceType, ["resource"] = Resource, ["region"] = region, ["parameters"] = parameters };
            if (limits.TimeoutSeconds is { } timeoutSeconds) details["timeoutInSeconds"] = timeoutSeconds;
            // The direct form has no task token to heartbeat, and AWS's LambdaFunctionScheduled has no field for one.
            if (!IsLambdaFunction && limits.HeartbeatSeconds is { } heartbeatSeconds) details["heartbeatInSeconds"] = heartbeatSeconds;
            return details;
        }

        public JsonObject StartedDetails() => IsLambdaFunction ? [] : Details();

        public JsonObject SucceededDetails(string output)
        {
            var details = IsLambdaFunction ? [] : Details();
            details["output"] = output;
            if (IsLambdaFunction) details["outputDetails"] = NotTruncated();
            return details;
        }

        public JsonObject FailureDetails(string error, string? cause)
        {
            var details = IsLambdaFunction ? [] : Details();
            details["error"] = error;
            if (cause is not null) details["cause"] = cause;
            return details;
        }

        public JsonObject Details() => new() { ["resourceType"] = ResourceType, ["resource"] = Resource };

        private static JsonObject NotTruncated() => new() { ["truncated"] = false };
    }
}
