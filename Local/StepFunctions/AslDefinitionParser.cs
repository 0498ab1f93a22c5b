using System.Collections.Frozen;

namespace Conduit.Local.StepFunctions;

/// <summary>Validates a definition (after placeholder substitution) and builds the states the interpreter runs.</summary>
internal static class AslDefinitionParser
{
    private const string JsonPathQueryLanguage = "JSONPath";

    /// <summary>AWS's limit on a state's name (quotas page: "State name ... 80 Unicode characters").</summary>
    private const int MaxStateNameLength = 80;

    private static readonly FrozenSet<string> TopLevelFields =
        Fields("Comment", "StartAt", "States", "QueryLanguage", "TimeoutSeconds", "Version");

    internal static readonly string[] CommonFields = ["Type", "Comment", "QueryLanguage"];

    internal static readonly string[] TransitionFields = ["Next", "End"];

    internal static readonly string[] InputOutputFields = ["InputPath", "OutputPath"];

    private static readonly FrozenSet<string> TaskFields = Fields(
        [.. CommonFields, .. TransitionFields, .. InputOutputFields,
         "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "Retry", "Catch", "Assign",
         .. TaskTimeoutParser.Fields]);

    private static readonly FrozenSet<string> PassFields = Fields(
        [.. CommonFields, .. TransitionFields, .. InputOutputFields, "Parameters", "ResultPath", "Result", "Assign"]);

    private static readonly FrozenSet<string> ChoiceFields =
        Fields([.. CommonFields, .. InputOutputFields, "Choices", "Default", "Assign"]);

    private static readonly FrozenSet<string> SucceedFields = Fields([.. CommonFields, .. InputOutputFields]);

    private static readonly FrozenSet<string> FailFields = Fields([.. CommonFields, "Error", "Cause", "ErrorPath", "CausePath"]);

    private static readonly FrozenSet<string> RetrierFields =
        Fields("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");

    /// <summary>The intrinsic functions AWS allows in a Fail state's ErrorPath and CausePath (page "Fail workflow state").</summary>
    private static readonly FrozenSet<string> TextIntrinsics = Fields(
        "States.Format", "States.JsonToString", "States.ArrayGetItem", "States.Base64Encode", "States.Base64Decode", "States.Hash",
        "States.UUID");

    private static readonly FrozenSet<string> CatcherFields = Fields("ErrorEquals", "Next", "ResultPath", "Comment", "Assign");

    public static StateMachine Parse(DefinitionObject root, IReadOnlySet<string> supportedResources)
    {
        root.RejectFieldsOutside(TopLevelFields);
        RequireJsonPath(root);
        ReadForValidationOnly(root, "Comment", "Version");
        var timeoutSeconds = root.OptionalInteger("TimeoutSeconds", 1, 99_999_999);
        var graph = ParseGraph(root, "", supportedResources);
        VariableScopeRules.Validate(graph);
        return new StateMachine(graph, timeoutSeconds);
    }

    /// <summary>
    /// The StartAt and States of the state machine or of a branch inside it; <paramref name="prefix"/> locates a
    /// branch's states in messages (<c>State "Fan" Branches[0] </c>).
    /// </summary>
    internal static StateGraph ParseGraph(DefinitionObject owner, string prefix, IReadOnlySet<string> supportedResources)
    {
        var startAt = owner.RequireString("StartAt");

        var statesObject = owner.RequireObject("States", $"{prefix}States");
        if (statesObject.Json.Count == 0) throw new AslLoadException($"{prefix}States must define at least one state");
        var states = statesObject.Json
            .Select(entry => ParseState(new DefinitionObject(entry.Value, $"{prefix}State \"{entry.Key}\""), entry.Key, supportedResources))
            .ToList();
        var names = states.Select(state => state.Name).ToHashSet(StringComparer.Ordinal);

        if (!names.Contains(startAt)) throw new AslLoadException($"{prefix}StartAt \"{startAt}\" is not a state in States");
        foreach (var state in states)
        {
            foreach (var transition in state.Transitions)
            {
                if (!names.Contains(transition.Target))
                {
                    throw new AslLoadException(
                        $"{prefix}State \"{state.Name}\" field \"{transition.Field}\" names \"{transition.Target}\", "
                        + "which is not a state in States");
                }
            }
        }

        RejectUnreachableStates(startAt, states);
        return new StateGraph(
            startAt, states.ToFrozenDictionary(state => state.Name, StringComparer.Ordinal), [.. states.Select(state => state.Name)]);
    }

    /// <summary>AWS refuses a definition with a state that no transition from StartAt leads to, naming that state.</summary>
    private static void RejectUnreachableStates(string startAt, IReadOnlyList<AslState> states)
    {
        var byName = states.ToDictionary(state => state.Name, StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal) { startAt };
        var pending = new Stack<string>([startAt]);
        while (pending.TryPop(out var name))
        {
            foreach (var transition in byName[name].Transitions)
            {
                if (reached.Add(transition.Target)) pending.Push(transition.Target);
            }
        }

        var unreachable = states.FirstOrDefault(state => !reached.Contains(state.Name));
        if (unreachable is not null)
        {
            throw new AslLoadException(
                $"State \"{unreachable.Name}\" is not reachable: no transition from StartAt \"{startAt}\" leads to it");
        }
    }

    private static AslState ParseState(DefinitionObject state, string name, IReadOnlySet<string> supportedResources)
    {
        if (name.Length is 0 or > MaxStateNameLength)
        {
            throw state.Invalid($"has a name of {name.Length} characters; a state name must have 1 to {MaxStateNameLength}");
        }

        var type = state.RequireString("Type");
        RequireJsonPath(state);
        ReadForValidationOnly(state, "Comment");
        AslState parsed = type switch
        {
            "Task" => ParseTask(state, name, supportedResources),
            "Pass" => ParsePass(state, name),
            "Choice" => ParseChoice(state, name),
            "Succeed" => ParseSucceed(state, name),
            "Fail" => ParseFail(state, name),
            "Wait" => FlowStateParser.ParseWait(state, name),
            "Parallel" => FlowStateParser.ParseParallel(state, name, supportedResources),
            "Map" => FlowStateParser.ParseMap(state, name, supportedResources),
            _ => throw state.Invalid($"has unknown type \"{type}\""),
        };
        return parsed with { Assign = VariableAssignment.Parse(state) };
    }

    private static TaskState ParseTask(DefinitionObject state, string name, IReadOnlySet<string> supportedResources)
    {
        state.RejectFieldsOutside(TaskFields, "a Task state");
        var resource = state.RequireString("Resource");
        TaskResourceParser.Validate(state, resource, supportedResources);

        var timeouts = TaskTimeoutParser.Parse(state);
        return new TaskState(
            name,
            ParseNext(state),
            resource,
            timeouts.TimeoutSeconds,
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            ParseTemplate(state, "Parameters"),
            ParseTemplate(state, "ResultSelector"),
            ParseResultPath(state),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root),
            ParseErrorHandlers(state, "Retry", ParseRetrier),
            ParseErrorHandlers(state, "Catch", ParseCatcher))
        {
            TimeoutSecondsPath = timeouts.TimeoutSecondsPath,
            HeartbeatSeconds = timeouts.HeartbeatSeconds,
            HeartbeatSecondsPath = timeouts.HeartbeatSecondsPath,
        };
    }

    private static PassState ParsePass(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(PassFields, "a Pass state");
        return new PassState(
            name,
            ParseNext(state),
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            ParseTemplate(state, "Parameters"),
            state.Has("Result") ? PayloadTemplate.Constant(state.Json["Result"]) : null,
            ParseResultPath(state),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root));
    }

    private static ChoiceState ParseChoice(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(ChoiceFields, "a Choice state");
        return new ChoiceState(
            name,
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root),
            [.. state.RequireObjectArray("Choices").Select(ChoiceRuleParser.ParseBranch)],
            state.OptionalString("Default"));
    }

    private static SucceedState ParseSucceed(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(SucceedFields, "a Succeed state");
        return new SucceedState(
            name,
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root));
    }

    private static FailState ParseFail(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(FailFields, "a Fail state");
        var error = ParseExclusive(state, "Error", "ErrorPath", out var errorPath, out var errorCall);
        var cause = ParseExclusive(state, "Cause", "CausePath", out var causePath, out var causeCall);
        return new FailState(name, error, errorPath, cause, causePath) { ErrorCall = errorCall, CauseCall = causeCall };
    }

    /// <summary>
    /// Reads a Fail state's text field or its path twin, which exclude each other. The path twin may instead invoke
    /// one of the intrinsic functions that return a string.
    /// </summary>
    private static string? ParseExclusive(
        DefinitionObject state, string textField, string pathField, out ReferencePath? path, out IntrinsicCall? call)
    {
        if (state.Has(textField) && state.Has(pathField))
        {
            throw state.Invalid($"has both \"{textField}\" and \"{pathField}\"; use one");
        }

        var pathText = state.OptionalString(pathField);
        (path, call) = pathText switch
        {
            null => (null, null),
            _ when IntrinsicFunctionParser.LooksLikeInvocation(pathText) => (null, ParseTextIntrinsic(state, pathField, pathText)),
            _ => (DefinitionPaths.ParseReferencePath(pathText, state.Location, pathField), (IntrinsicCall?)null),
        };
        return state.OptionalString(textField);
    }

    private static IntrinsicCall ParseTextIntrinsic(DefinitionObject state, string field, string text)
    {
        var call = IntrinsicFunctionParser.Parse(text, state.Location, field);
        return TextIntrinsics.Contains(call.Function.Name)
            ? call
            : throw state.Invalid(
                $"field \"{field}\" uses intrinsic function \"{call.Function.Name}\", which does not return a string; {field} allows "
                + string.Join(", ", TextIntrinsics.Order(StringComparer.Ordinal)));
    }

    internal static string? ParseNext(DefinitionObject state)
    {
        var next = state.OptionalString("Next");
        var end = state.OptionalBoolean("End") ?? false;
        return (next, end) switch
        {
            (not null, true) => throw state.Invalid("has both \"Next\" and \"End\"; use one"),
            (null, false) => throw state.Invalid("has neither \"Next\" nor \"End\": true"),
            _ => next,
        };
    }

    internal static ReferencePath? ParseResultPath(DefinitionObject owner)
    {
        var path = owner.OptionalPath("ResultPath", ReferencePath.Root);
        if (path is { VariableName: { } variable })
        {
            throw owner.Invalid($"field \"ResultPath\" must point into the state's data ($), not the variable ${variable}");
        }

        return path is { TargetsContext: true }
            ? throw owner.Invalid("field \"ResultPath\" must point into the state's data ($), not the context object ($$)")
            : path;
    }

    internal static PayloadTemplate? ParseTemplate(DefinitionObject state, string field) =>
        state.Json.TryGetPropertyValue(field, out var value)
            ? PayloadTemplate.Parse(value, $"{state.Location} {field}")
            : null;

    internal static IReadOnlyList<T> ParseErrorHandlers<T>(DefinitionObject state, string field, Func<DefinitionObject, T> parse)
        where T : ErrorHandler
    {
        if (!state.Has(field)) return [];

        var items = state.RequireObjectArray(field);
        var handlers = new List<T>(items.Count);
        foreach (var item in items)
        {
            var handler = parse(item);
            if (handler.ErrorEquals.Contains(StatesErrors.All))
            {
                if (handler.ErrorEquals.Count > 1)
                    throw item.Invalid($"lists \"{StatesErrors.All}\" with other errors; it must appear alone");
                if (handlers.Count < items.Count - 1)
                    throw item.Invalid($"uses \"{StatesErrors.All}\" but is not the last entry of {field}");
            }

            handlers.Add(handler);
        }

        return handlers;
    }

    internal static Retrier ParseRetrier(DefinitionObject retrier)
    {
        retrier.RejectFieldsOutside(RetrierFields);
        ReadForValidationOnly(retrier, "Comment");
        return new Retrier(
            retrier.RequireStringArray("ErrorEquals"),
            retrier.OptionalInteger("IntervalSeconds", 1, 99_999_999) ?? 1,
            retrier.OptionalInteger("MaxAttempts", 0, 99_999_999) ?? 3,
            retrier.OptionalNumber("BackoffRate", 1.0) ?? 2.0,
            retrier.OptionalInteger("MaxDelaySeconds", 1, Retrier.LongestDelaySeconds),
            retrier.OptionalString("JitterStrategy") switch
            {
                null or "NONE" => JitterStrategy.None,
                "FULL" => JitterStrategy.Full,
                var other => throw retrier.Invalid($"field \"JitterStrategy\" is \"{other}\"; it must be \"FULL\" or \"NONE\""),
            });
    }

    internal static Catcher ParseCatcher(DefinitionObject catcher)
    {
        catcher.RejectFieldsOutside(CatcherFields);
        ReadForValidationOnly(catcher, "Comment");
        return new Catcher(catcher.RequireStringArray("ErrorEquals"), catcher.RequireString("Next"), ParseResultPath(catcher))
        {
            Assign = VariableAssignment.Parse(catcher),
        };
    }

    private static void RequireJsonPath(DefinitionObject owner)
    {
        var queryLanguage = owner.OptionalString("QueryLanguage");
        if (queryLanguage is not null and not JsonPathQueryLanguage)
        {
            throw owner.Invalid($"uses query language \"{queryLanguage}\", which the local interpreter does not support");
        }
    }

    /// <summary>Checks the type of fields the interpreter has no use for, so a malformed definition still fails here as in AWS.</summary>
    private static void ReadForValidationOnly(DefinitionObject owner, params string[] textFields)
    {
        foreach (var field in textFields) owner.OptionalString(field);
    }

    private static FrozenSet<string> Fields(params string[] names) => names.ToFrozenSet(StringComparer.Ordinal);
}
