using System.Collections.Frozen;

namespace Conduit.Local.StepFunctions;

/// <summary>Validates and builds Wait, Parallel and (inline) Map states.</summary>
internal static class FlowStateParser
{
    private const int LargestWaitSeconds = 99_999_999;

    private static readonly string[] FlowFields =
    [
        .. AslDefinitionParser.CommonFields, .. AslDefinitionParser.TransitionFields, .. AslDefinitionParser.InputOutputFields, "Assign",
    ];

    private static readonly string[] CompositeFields = [.. FlowFields, "ResultSelector", "ResultPath", "Retry", "Catch"];

    private static readonly FrozenSet<string> WaitFields = Fields([.. FlowFields, "Seconds", "Timestamp", "SecondsPath", "TimestampPath"]);

    private static readonly FrozenSet<string> ParallelFields = Fields([.. CompositeFields, "Parameters", "Branches"]);

    private static readonly FrozenSet<string> MapFields = Fields(
    [
        .. CompositeFields, "ItemsPath", "ItemSelector", "Parameters", "ItemProcessor", "Iterator", "MaxConcurrency", "MaxConcurrencyPath",
        "ToleratedFailureCount", "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
    ]);

    /// <summary>Fields only a distributed Map has; named in the refusal so the author knows why.</summary>
    private static readonly FrozenSet<string> DistributedMapFields = Fields("ItemReader", "ResultWriter", "ItemBatcher", "Label");

    private static readonly FrozenSet<string> BranchFields = Fields("StartAt", "States", "Comment");

    private static readonly FrozenSet<string> ProcessorFields = Fields("StartAt", "States", "Comment", "ProcessorConfig");

    private static readonly FrozenSet<string> ProcessorConfigFields = Fields("Mode", "ExecutionType");

    private static readonly string[] WaitDurationFields = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"];

    public static WaitState ParseWait(DefinitionObject state, string name)
    {
        state.RejectFieldsOutside(WaitFields, "a Wait state");
        var given = WaitDurationFields.Where(state.Has).ToList();
        if (given.Count != 1)
        {
            throw state.Invalid(
                $"must have exactly one of \"Seconds\", \"Timestamp\", \"SecondsPath\" and \"TimestampPath\", but has {given.Count}");
        }

        DateTimeOffset? timestamp = null;
        if (state.OptionalString("Timestamp") is { } text)
        {
            timestamp = AslTimestamp.TryParse(text, out var parsed)
                ? parsed
                : throw state.Invalid(
                    $"field \"Timestamp\" has \"{text}\", which is not an RFC 3339 timestamp such as 2016-03-14T01:59:00Z");
        }

        return new WaitState(
            name,
            AslDefinitionParser.ParseNext(state),
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root),
            state.OptionalInteger("Seconds", 0, LargestWaitSeconds),
            timestamp,
            RequirePathIfPresent(state, "SecondsPath"),
            RequirePathIfPresent(state, "TimestampPath"));
    }

    public static ParallelState ParseParallel(DefinitionObject state, string name, IReadOnlySet<string> supportedResources)
    {
        state.RejectFieldsOutside(ParallelFields, "a Parallel state");
        var branches = state.RequireObjectArray("Branches").Select((branch, i) =>
        {
            branch.RejectFieldsOutside(BranchFields);
            branch.OptionalString("Comment");
            return AslDefinitionParser.ParseGraph(branch, $"{state.Location} Branches[{i}] ", supportedResources);
        });

        return new ParallelState(
            name,
            AslDefinitionParser.ParseNext(state),
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            AslDefinitionParser.ParseTemplate(state, "Parameters"),
            [.. branches],
            AslDefinitionParser.ParseTemplate(state, "ResultSelector"),
            AslDefinitionParser.ParseResultPath(state),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root),
            AslDefinitionParser.ParseErrorHandlers(state, "Retry", AslDefinitionParser.ParseRetrier),
            AslDefinitionParser.ParseErrorHandlers(state, "Catch", AslDefinitionParser.ParseCatcher));
    }

    public static MapState ParseMap(DefinitionObject state, string name, IReadOnlySet<string> supportedResources)
    {
        if (state.Json.Select(field => field.Key).FirstOrDefault(DistributedMapFields.Contains) is { } distributedField)
        {
            throw state.Invalid(
                $"uses field \"{distributedField}\", which belongs to a distributed Map; the local interpreter does not support "
                + "distributed Map states, only inline ones");
        }

        state.RejectFieldsOutside(MapFields, "a Map state");
        var processorField = Exclusive(state, "ItemProcessor", "Iterator")
            ?? throw state.Invalid("is missing the required field \"ItemProcessor\"");
        var selectorField = Exclusive(state, "ItemSelector", "Parameters");

        return new MapState(
            name,
            AslDefinitionParser.ParseNext(state),
            state.OptionalSelectionPath("InputPath", ReferencePath.Root),
            state.OptionalPath("ItemsPath", ReferencePath.Root) ?? throw state.Invalid("field \"ItemsPath\" must be a path, not null"),
            selectorField is null ? null : AslDefinitionParser.ParseTemplate(state, selectorField),
            ParseProcessor(state, processorField, supportedResources),
            ParseLimit(state, "MaxConcurrency", int.MaxValue),
            ParseLimit(state, "ToleratedFailureCount", int.MaxValue),
            ParseLimit(state, "ToleratedFailurePercentage", 100),
            AslDefinitionParser.ParseTemplate(state, "ResultSelector"),
            AslDefinitionParser.ParseResultPath(state),
            state.OptionalSelectionPath("OutputPath", ReferencePath.Root),
            AslDefinitionParser.ParseErrorHandlers(state, "Retry", AslDefinitionParser.ParseRetrier),
            AslDefinitionParser.ParseErrorHandlers(state, "Catch", AslDefinitionParser.ParseCatcher));
    }

    private static StateGraph ParseProcessor(DefinitionObject state, string field, IReadOnlySet<string> supportedResources)
    {
        var processor = state.RequireObject(field, $"{state.Location} field \"{field}\"");
        processor.RejectFieldsOutside(ProcessorFields);
        processor.OptionalString("Comment");
        if (processor.Has("ProcessorConfig"))
        {
            var config = processor.RequireObject("ProcessorConfig", $"{processor.Location} ProcessorConfig");
            config.RejectFieldsOutside(ProcessorConfigFields);
            config.OptionalString("ExecutionType");
            var mode = config.OptionalString("Mode") ?? "INLINE";
            if (mode != "INLINE")
            {
                throw config.Invalid(
                    $"Mode \"{mode}\" asks for a distributed Map, which the local interpreter does not support; use \"INLINE\"");
            }
        }

        return AslDefinitionParser.ParseGraph(processor, $"{state.Location} {field} ", supportedResources);
    }

    /// <summary>A Map number field or its <c>...Path</c> twin (they exclude each other); neither means unlimited or zero.</summary>
    private static MapLimit ParseLimit(DefinitionObject state, string field, int maximum)
    {
        var pathField = field + "Path";
        if (state.Has(field) && state.Has(pathField)) throw state.Invalid($"has both \"{field}\" and \"{pathField}\"; use one");
        var value = state.OptionalNumber(field, 0);
        if (value > maximum) throw state.Invalid($"field \"{field}\" must be a number from 0 to {maximum}");
        return new MapLimit(field, value, RequirePathIfPresent(state, pathField), maximum);
    }

    private static string? Exclusive(DefinitionObject state, string field, string legacyField)
    {
        if (state.Has(field) && state.Has(legacyField)) throw state.Invalid($"has both \"{field}\" and \"{legacyField}\"; use \"{field}\"");
        return state.Has(field) ? field : state.Has(legacyField) ? legacyField : null;
    }

    private static ReferencePath? RequirePathIfPresent(DefinitionObject state, string field) =>
        state.Json.TryGetPropertyValue(field, out var value) && value is not null
            ? state.RequirePath(field)
            : state.Has(field) ? throw state.Invalid($"field \"{field}\" must be a string holding a path") : null;

    private static FrozenSet<string> Fields(params string[] names) => names.ToFrozenSet(StringComparer.Ordinal);
}
