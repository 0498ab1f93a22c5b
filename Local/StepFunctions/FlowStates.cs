namespace Conduit.Local.StepFunctions;

/// <summary>A Wait state; exactly one of the four ways to say how long is set.</summary>
internal sealed record WaitState(
    string Name,
    string? Next,
    ReferencePath? InputPath,
    ReferencePath? OutputPath,
    int? Seconds,
    DateTimeOffset? Timestamp,
    ReferencePath? SecondsPath,
    ReferencePath? TimestampPath) : AslState(Name)
{
    public override string Type => "Wait";

    public override IEnumerable<StateTransition> Transitions => NextTransition(Next);
}

/// <summary>The fields Parallel and Map share: shaping the result, and Retry/Catch around the whole state.</summary>
internal abstract record CompositeState(
    string Name,
    string? Next,
    ReferencePath? InputPath,
    PayloadTemplate? ResultSelector,
    ReferencePath? ResultPath,
    ReferencePath? OutputPath,
    IReadOnlyList<Retrier> Retriers,
    IReadOnlyList<Catcher> Catchers) : AslState(Name)
{
    public override IEnumerable<StateTransition> Transitions =>
        NextTransition(Next).Concat(Catchers.Select((catcher, i) => new StateTransition($"Catch[{i}].Next", catcher.Next)));

    /// <summary>The state machines the state runs inside itself.</summary>
    public abstract IEnumerable<StateGraph> Graphs { get; }
}

internal sealed record ParallelState(
    string Name,
    string? Next,
    ReferencePath? InputPath,
    PayloadTemplate? Parameters,
    IReadOnlyList<StateGraph> Branches,
    PayloadTemplate? ResultSelector,
    ReferencePath? ResultPath,
    ReferencePath? OutputPath,
    IReadOnlyList<Retrier> Retriers,
    IReadOnlyList<Catcher> Catchers) : CompositeState(Name, Next, InputPath, ResultSelector, ResultPath, OutputPath, Retriers, Catchers)
{
    public override string Type => "Parallel";

    public override IEnumerable<StateGraph> Graphs => Branches;
}

/// <summary>An inline Map state. Tolerances and the concurrency limit are each fixed or read from the input by a path.</summary>
internal sealed record MapState(
    string Name,
    string? Next,
    ReferencePath? InputPath,
    ReferencePath ItemsPath,
    PayloadTemplate? ItemSelector,
    StateGraph ItemProcessor,
    MapLimit MaxConcurrency,
    MapLimit ToleratedFailureCount,
    MapLimit ToleratedFailurePercentage,
    PayloadTemplate? ResultSelector,
    ReferencePath? ResultPath,
    ReferencePath? OutputPath,
    IReadOnlyList<Retrier> Retriers,
    IReadOnlyList<Catcher> Catchers) : CompositeState(Name, Next, InputPath, ResultSelector, ResultPath, OutputPath, Retriers, Catchers)
{
    public override string Type => "Map";

    public override IEnumerable<StateGraph> Graphs => [ItemProcessor];
}

/// <summary>A Map number given either as a constant or as a path (the field's <c>...Path</c> twin) into the state's input.</summary>
internal sealed record MapLimit(string Field, double? Value, ReferencePath? Path, double Maximum)
{
    public bool IsSet => Value is not null || Path is not null;

    public double? Resolve(PathScope scope)
    {
        if (Path is null) return Value;
        var node = Path.Resolve(scope, $"{Field}Path");
        return AslJson.KindOf(node) == System.Text.Json.JsonValueKind.Number
            && node!.AsValue().TryGetValue<double>(out var number) && number >= 0 && number <= Maximum
                ? number
                : throw StatesErrorException.Runtime($"The value at {Field}Path '{Path}' is not a number from 0 to {Maximum}.");
    }
}
