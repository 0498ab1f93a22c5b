namespace Conduit.Local.StepFunctions;

/// <summary>
/// A validated state. Path fields hold <see cref="ReferencePath.Root"/> when the definition omits them and null
/// when it sets them to JSON null, which ASL gives its own meaning (empty input or output, discarded result).
/// </summary>
internal abstract record AslState(string Name)
{
    /// <summary>The ASL <c>Type</c>; it also names the state's history events (<c>TaskStateEntered</c>).</summary>
    public abstract string Type { get; }

    /// <summary>Every state this one can move to, with the field that names it.</summary>
    public abstract IEnumerable<StateTransition> Transitions { get; }

    /// <summary>The state's <c>Assign</c> field, if it has one.</summary>
    public VariableAssignment? Assign { get; init; }

    protected static IEnumerable<StateTransition> NextTransition(string? next) =>
        next is null ? [] : [new StateTransition("Next", next)];
}

internal readonly record struct StateTransition(string Field, string Target);

internal sealed record TaskState(
    string Name,
    string? Next,
    string Resource,
    int? TimeoutSeconds,
    ReferencePath? InputPath,
    PayloadTemplate? Parameters,
    PayloadTemplate? ResultSelector,
    ReferencePath? ResultPath,
    ReferencePath? OutputPath,
    IReadOnlyList<Retrier> Retriers,
    IReadOnlyList<Catcher> Catchers) : AslState(Name)
{
    public override string Type => "Task";

    public ReferencePath? TimeoutSecondsPath { get; init; }

    public int? HeartbeatSeconds { get; init; }

    public ReferencePath? HeartbeatSecondsPath { get; init; }

    public override IEnumerable<StateTransition> Transitions =>
        NextTransition(Next).Concat(Catchers.Select((catcher, i) => new StateTransition($"Catch[{i}].Next", catcher.Next)));
}

internal sealed record PassState(
    string Name,
    string? Next,
    ReferencePath? InputPath,
    PayloadTemplate? Parameters,
    PayloadTemplate? Result,
    ReferencePath? ResultPath,
    ReferencePath? OutputPath) : AslState(Name)
{
    public override string Type => "Pass";

    public override IEnumerable<StateTransition> Transitions => NextTransition(Next);
}

internal sealed record ChoiceState(
    string Name,
    ReferencePath? InputPath,
    ReferencePath? OutputPath,
    IReadOnlyList<ChoiceBranch> Choices,
    string? Default) : AslState(Name)
{
    public override string Type => "Choice";

    public override IEnumerable<StateTransition> Transitions =>
        Choices.Select((branch, i) => new StateTransition($"Choices[{i}].Next", branch.Next))
            .Concat(Default is null ? [] : [new StateTransition("Default", Default)]);
}

internal sealed record ChoiceBranch(ChoiceRule Rule, string Next)
{
    /// <summary>Variables this rule sets when it is the one that matches, besides those of the state's own <c>Assign</c>.</summary>
    public VariableAssignment? Assign { get; init; }
}

internal sealed record SucceedState(string Name, ReferencePath? InputPath, ReferencePath? OutputPath) : AslState(Name)
{
    public override string Type => "Succeed";

    public override IEnumerable<StateTransition> Transitions => [];
}

/// <summary>A Fail state; each of error and cause is fixed text, a path into the state's input or an intrinsic function.</summary>
internal sealed record FailState(string Name, string? Error, ReferencePath? ErrorPath, string? Cause, ReferencePath? CausePath)
    : AslState(Name)
{
    public IntrinsicCall? ErrorCall { get; init; }

    public IntrinsicCall? CauseCall { get; init; }

    public override string Type => "Fail";

    public override IEnumerable<StateTransition> Transitions => [];
}

internal abstract record ErrorHandler(IReadOnlyList<string> ErrorEquals)
{
    public bool Handles(string error) => StatesErrors.AnyMatches(ErrorEquals, error);
}

internal enum JitterStrategy
{
    None,
    Full,
}

internal sealed record Retrier(
    IReadOnlyList<string> ErrorEquals,
    int IntervalSeconds,
    int MaxAttempts,
    double BackoffRate,
    int? MaxDelaySeconds,
    JitterStrategy Jitter) : ErrorHandler(ErrorEquals)
{
    /// <summary>AWS's ceiling for MaxDelaySeconds; it also keeps a long backoff from overflowing TimeSpan.</summary>
    public const int LongestDelaySeconds = 31_622_400;

    /// <summary>
    /// The wait before retry number <paramref name="retriesSoFar"/> + 1 of this retrier:
    /// IntervalSeconds × BackoffRate^retriesSoFar, capped by MaxDelaySeconds, and with FULL jitter scaled by
    /// <paramref name="jitterFraction"/> (uniform in [0, 1)).
    /// </summary>
    public TimeSpan DelayBeforeRetry(int retriesSoFar, double jitterFraction)
    {
        var seconds = Math.Min(IntervalSeconds * Math.Pow(BackoffRate, retriesSoFar), MaxDelaySeconds ?? LongestDelaySeconds);
        return TimeSpan.FromSeconds(Jitter == JitterStrategy.Full ? seconds * jitterFraction : seconds);
    }
}

internal sealed record Catcher(IReadOnlyList<string> ErrorEquals, string Next, ReferencePath? ResultPath) : ErrorHandler(ErrorEquals)
{
    /// <summary>Variables set when this catcher handles an error; its paths read the error output.</summary>
    public VariableAssignment? Assign { get; init; }
}
