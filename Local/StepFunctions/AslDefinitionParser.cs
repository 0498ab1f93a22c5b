using System.Collections.Frozen;

namespace Conduit.Local.StepFunctions;

/// <summary>Validates a definition (after placeholder substitution) and builds the states the interpreter runs.</summary>
internal static class AslDefinitionParser
{
    private const string JsonPathQueryLanguage = "JSONPath";

    private static readonly FrozenSet<string> TopLevelFields =
        Fields("Comment", "StartAt", "States", "QueryLanguage", "TimeoutSeconds", "Version");

    private static readonly FrozenSet<string> UnsupportedStateTypes = Fields("Wait", "Parallel", "Map");

    private static readonly string[] CommonFields = ["Type", "Comment", "QueryLanguage"];

    private static readonly string[] TransitionFields = ["Next", "End"];

    private static readonly string[] InputOutputFields = ["InputPath", "OutputPath"];

    private static readonly FrozenSet<string> TaskFields = Fields(
        [.. CommonFields, .. TransitionFields, .. InputOutputFields,
         "Parameters", "ResultSelector", "ResultPath", "Resource", "TimeoutSeconds", "Retry", "Catch",
         .. TaskTimeoutParser.Fields]);

    private static readonly FrozenSet<string> PassFields = Fields(
        [.. CommonFields, .. TransitionFields, .. InputOutputFields, "Parameters", "ResultPath", "Result"]);

    private static readonly FrozenSet<string> ChoiceFields = Fields([.. CommonFields, .. InputOutputFields, "Choices", "Default"]);

    private static readonly FrozenSet<string> SucceedFields = Fields([.. CommonFields, .. InputOutputFields]);

    private static readonly FrozenSet<string> FailFields = Fields([.. CommonFields, "Error", "Cause", "ErrorPath", "CausePath"]);

    private static readonly FrozenSet<string> RetrierFields =
        Fields("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment");

    private static readonly FrozenSet<string> CatcherFields = Fields("ErrorEquals", "Next", "ResultPath", "Comment");

    public static StateMachine Parse(DefinitionObject root, IReadOnlySet<string> supportedResources)
    {
        root.RejectFieldsOutside(TopLevelFields);
        RequireJsonPath(root);
        ReadForValidationOnly(root, "Comment", "Version");
        var timeoutSeconds = root.OptionalInteger("TimeoutSeconds", 1, 99_999_999);
        var startAt = root.RequireString("StartAt");

        var statesObject = root.RequireObject("States", "States");
        if (statesObject.Json.Count == 0) throw new AslLoadException("States must define at least one state");
        var states = statesObject.Json
            .Select(entry => ParseState(new DefinitionObject(entry.Value, $"State \"{entry.Key}\""), entry.Key, supportedResources))
            .ToList();
        var names = states.Select(state => state.Name).ToHashSet(StringComparer.Ordinal);

        if (!names.Contains(startAt)) throw new AslLoadException($"StartAt \"{startAt}\" is not a state in States");
        foreach (var state in states)
        {
            foreach (var transition in state.Transitions)
            {
                if (!names.Contains(transition.Target))
                {
                    throw new AslLoadException(
                        $"State \"{state.Name}\" field \"{transition.Field}\" names \"{transition.Target}\", "
                        + "which is not a state in States");
                }
            }
        }

        return new StateMachine(startAt, states, timeoutSeconds);
    }

    private static AslState ParseState(DefinitionObject state, string name, IReadOnlySet<string> supportedResources)
    {
        var type = state.RequireString("Type");
        if (UnsupportedStateTypes.Contains(type))
        {
            throw state.Invalid($"uses type \"{type}\", which the local interpreter does not support");
        }

        RequireJsonPath(state);
        ReadForValidationOnly(state, "Comment");
        return type switch
        {
            "Task" => ParseTask(state, name, supportedResources),
            "Pass" => ParsePass(state, name),
            "Choice" => ParseChoice(state, name),
            "Succeed" => ParseSucceed(state, name),
            "Fail" => ParseFail(state, name),
            _ => throw state.Invalid($"has unknown type \"{type}\""),
        };
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
            state.OptionalPath("InputPath", ReferencePath.Root),
            ParseTemplate(state, "Parameters"),
            ParseTemplate(state, "ResultSelector"),
            ParseResultPath(state),
            state.OptionalPath("OutputPath", ReferencePath.Root),
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
            state.OptionalPath("InputPath", ReferencePath.Root),
            ParseTemplate(state, "Parameters"),
            state.Has("Result") ? PayloadTemplate.Constant(state.Json["Result"]) : null,
            ParseResultPath(state),
            state.OptionalPath("OutputPath", ReferencePath.Root));
    }

    private static ChoiceState ParseChoice(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(ChoiceFields, "a Choice state");
        return new ChoiceState(
            name,
            state.OptionalPath("InputPath", ReferencePath.Root),
            state.OptionalPath("OutputPath", ReferencePath.Root),
            [.. state.RequireObjectArray("Choices").Select(ChoiceRuleParser.ParseBranch)],
            state.OptionalString("Default"));
    }

    private static SucceedState ParseSucceed(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(SucceedFields, "a Succeed state");
        return new SucceedState(
            name, state.OptionalPath("InputPath", ReferencePath.Root), state.OptionalPath("OutputPath", ReferencePath.Root));
    }

    private static FailState ParseFail(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(FailFields, "a Fail state");
        return new FailState(
            name,
            ParseExclusive(state, "Error", "ErrorPath", out var errorPath),
            errorPath,
            ParseExclusive(state, "Cause", "CausePath", out var causePath),
            causePath);
    }

    /// <summary>Reads a Fail state's text field or its path twin, which exclude each other.</summary>
    private static string? ParseExclusive(DefinitionObject state, string textField, string pathField, out ReferencePath? path)
    {
        if (state.Has(textField) && state.Has(pathField))
        {
            throw state.Invalid($"has both \"{textField}\" and \"{pathField}\"; use one");
        }

        var pathText = state.OptionalString(pathField);
        path = pathText is null ? null : DefinitionPaths.ParseDynamicValue(pathText, state.Location, pathField);
        return state.OptionalString(textField);
    }

    private static string? ParseNext(DefinitionObject state)
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

    private static ReferencePath? ParseResultPath(DefinitionObject owner)
    {
        var path = owner.OptionalPath("ResultPath", ReferencePath.Root);
        return path is { TargetsContext: true }
            ? throw owner.Invalid("field \"ResultPath\" must point into the state's data ($), not the context object ($$)")
            : path;
    }

    private static PayloadTemplate? ParseTemplate(DefinitionObject state, string field) =>
        state.Json.TryGetPropertyValue(field, out var value)
            ? PayloadTemplate.Parse(value, $"{state.Location} {field}")
            : null;

    private static IReadOnlyList<T> ParseErrorHandlers<T>(DefinitionObject state, string field, Func<DefinitionObject, T> parse)
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

    private static Retrier ParseRetrier(DefinitionObject retrier)
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

    private static Catcher ParseCatcher(DefinitionObject catcher)
    {
        catcher.RejectFieldsOutside(CatcherFields);
        ReadForValidationOnly(catcher, "Comment");
        return new Catcher(catcher.RequireStringArray("ErrorEquals"), catcher.RequireString("Next"), ParseResultPath(catcher));
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
