using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>The types Choice comparisons work on; the member names are the ASL operator prefixes.</summary>
internal enum ValueKind
{
    String,
    Numeric,
    Boolean,
    Timestamp,
}

internal enum Relation
{
    Equal,
    LessThan,
    GreaterThan,
    LessThanOrEqual,
    GreaterThanOrEqual,
}

/// <summary>The ASL type tests; the member names are the operator names.</summary>
internal enum TypeTest
{
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

/// <summary>A Choice rule, evaluated against the Choice state's effective input.</summary>
internal abstract record ChoiceRule
{
    public abstract bool Matches(PathScope scope);
}

internal sealed record AndRule(IReadOnlyList<ChoiceRule> Rules) : ChoiceRule
{
    public override bool Matches(PathScope scope) => Rules.All(rule => rule.Matches(scope));
}

internal sealed record OrRule(IReadOnlyList<ChoiceRule> Rules) : ChoiceRule
{
    public override bool Matches(PathScope scope) => Rules.Any(rule => rule.Matches(scope));
}

internal sealed record NotRule(ChoiceRule Rule) : ChoiceRule
{
    public override bool Matches(PathScope scope) => !Rule.Matches(scope);
}

/// <summary>
/// <c>StringEquals</c>, <c>NumericLessThanPath</c> and the rest: the variable and the operand must both be of
/// <see cref="Kind"/>, or the rule is false, as in AWS.
/// </summary>
internal sealed record ComparisonRule(ReferencePath Variable, ValueKind Kind, Relation Relation, ChoiceOperand Operand) : ChoiceRule
{
    public override bool Matches(PathScope scope)
    {
        var variable = ChoiceValues.ResolveConditionPath(Variable, scope);
        var operand = Operand.Resolve(scope);
        return ChoiceValues.Compare(Kind, variable, operand) is { } order && Holds(order);
    }

    private bool Holds(int order) => Relation switch
    {
        Relation.Equal => order == 0,
        Relation.LessThan => order < 0,
        Relation.GreaterThan => order > 0,
        Relation.LessThanOrEqual => order <= 0,
        Relation.GreaterThanOrEqual => order >= 0,
        _ => throw new InvalidOperationException($"Unknown relation {Relation}."),
    };
}

internal sealed record StringMatchesRule(ReferencePath Variable, WildcardPattern Pattern) : ChoiceRule
{
    public override bool Matches(PathScope scope) =>
        AslJson.TryGetString(ChoiceValues.ResolveConditionPath(Variable, scope), out var text) && Pattern.IsMatch(text);
}

internal sealed record TypeTestRule(ReferencePath Variable, TypeTest Test, bool Expected) : ChoiceRule
{
    public override bool Matches(PathScope scope)
    {
        if (Test == TypeTest.IsPresent) return Variable.TryResolve(scope, out _) == Expected;

        var value = ChoiceValues.ResolveConditionPath(Variable, scope);
        var holds = Test switch
        {
            TypeTest.IsNull => value is null,
            TypeTest.IsNumeric => AslJson.KindOf(value) == JsonValueKind.Number,
            TypeTest.IsString => AslJson.KindOf(value) == JsonValueKind.String,
            TypeTest.IsBoolean => AslJson.KindOf(value) is JsonValueKind.True or JsonValueKind.False,
            TypeTest.IsTimestamp => ChoiceValues.TryGetTimestamp(value, out _),
            _ => throw new InvalidOperationException($"Unknown type test {Test}."),
        };
        return holds == Expected;
    }
}

/// <summary>The right-hand side of a comparison: a literal, or with a <c>...Path</c> operator a path.</summary>
internal abstract record ChoiceOperand
{
    public abstract JsonNode? Resolve(PathScope scope);
}

internal sealed record LiteralOperand(JsonNode Value) : ChoiceOperand
{
    public override JsonNode? Resolve(PathScope scope) => Value;
}

internal sealed record PathOperand(ReferencePath Path) : ChoiceOperand
{
    public override JsonNode? Resolve(PathScope scope) => ChoiceValues.ResolveConditionPath(Path, scope);
}

/// <summary>Reading and ordering JSON values the way Choice rules compare them.</summary>
internal static class ChoiceValues
{
    /// <summary>A path of a comparison; one that selects nothing fails the execution, as only IsPresent tolerates that.</summary>
    public static JsonNode? ResolveConditionPath(ReferencePath path, PathScope scope) =>
        path.TryResolve(scope, out var value)
            ? value
            : throw StatesErrorException.Runtime($"Invalid path '{path}': The choice state's condition path references an invalid value.");

    public static bool TryGetTimestamp(JsonNode? node, out DateTimeOffset timestamp)
    {
        timestamp = default;
        return AslJson.TryGetString(node, out var text) && AslTimestamp.TryParse(text, out timestamp);
    }

    /// <summary>The order of two values of <paramref name="kind"/>, or null when either is of another type.</summary>
    public static int? Compare(ValueKind kind, JsonNode? left, JsonNode? right) => kind switch
    {
        ValueKind.String =>
            AslJson.TryGetString(left, out var a) && AslJson.TryGetString(right, out var b) ? string.CompareOrdinal(a, b) : null,
        ValueKind.Numeric => CompareNumbers(left, right),
        ValueKind.Boolean => TryGetBoolean(left, out var a) && TryGetBoolean(right, out var b) ? a.CompareTo(b) : null,
        ValueKind.Timestamp => TryGetTimestamp(left, out var a) && TryGetTimestamp(right, out var b) ? a.CompareTo(b) : null,
        _ => throw new InvalidOperationException($"Unknown value kind {kind}."),
    };

    private static bool TryGetBoolean(JsonNode? node, out bool value)
    {
        value = AslJson.KindOf(node) == JsonValueKind.True;
        return AslJson.KindOf(node) is JsonValueKind.True or JsonValueKind.False;
    }

    // Decimal keeps integers beyond 2^53 and decimal fractions exact; numbers outside its range fall back to double.
    private static int? CompareNumbers(JsonNode? left, JsonNode? right)
    {
        if (AslJson.KindOf(left) != JsonValueKind.Number || AslJson.KindOf(right) != JsonValueKind.Number) return null;

        var leftText = left!.ToJsonString();
        var rightText = right!.ToJsonString();
        if (decimal.TryParse(leftText, NumberStyles.Float, CultureInfo.InvariantCulture, out var leftDecimal)
            && decimal.TryParse(rightText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rightDecimal))
        {
            return leftDecimal.CompareTo(rightDecimal);
        }

        return double.Parse(leftText, NumberStyles.Float, CultureInfo.InvariantCulture)
            .CompareTo(double.Parse(rightText, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
