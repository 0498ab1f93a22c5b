using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>Turns a Choice state's rules into <see cref="ChoiceRule"/> trees, validating operators and operands.</summary>
internal static class ChoiceRuleParser
{
    private const string StringMatches = "StringMatches";

    private static readonly (string Name, Relation Relation)[] Relations =
    [
        ("Equals", Relation.Equal),
        ("LessThan", Relation.LessThan),
        ("GreaterThan", Relation.GreaterThan),
        ("LessThanEquals", Relation.LessThanOrEqual),
        ("GreaterThanEquals", Relation.GreaterThanOrEqual),
    ];

    private static readonly FrozenDictionary<string, ComparisonOperator> Comparisons = BuildComparisons();

    private static readonly FrozenDictionary<string, TypeTest> TypeTests =
        Enum.GetValues<TypeTest>().ToFrozenDictionary(test => test.ToString(), StringComparer.Ordinal);

    private static readonly FrozenSet<string> Combinators = FrozenSet.Create(StringComparer.Ordinal, "And", "Or", "Not");

    private static readonly FrozenSet<string> Operators =
        Comparisons.Keys.Concat(TypeTests.Keys).Concat(Combinators).Append(StringMatches).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> NestedRuleFields =
        Operators.Concat(["Variable", "Comment"]).ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> TopLevelRuleFields =
        NestedRuleFields.Append("Next").Append("Assign").ToFrozenSet(StringComparer.Ordinal);

    /// <summary>A top-level rule, which (unlike the rules nested in And, Or and Not) names the state to go to.</summary>
    public static ChoiceBranch ParseBranch(DefinitionObject rule)
    {
        rule.RejectFieldsOutside(TopLevelRuleFields);
        return new ChoiceBranch(ParseRule(rule), rule.RequireString("Next")) { Assign = VariableAssignment.Parse(rule) };
    }

    private static ChoiceRule ParseNestedRule(DefinitionObject rule)
    {
        rule.RejectFieldsOutside(NestedRuleFields, "a rule nested in And, Or or Not");
        return ParseRule(rule);
    }

    private static ChoiceRule ParseRule(DefinitionObject rule)
    {
        var operators = rule.Json.Select(field => field.Key).Where(Operators.Contains).ToList();
        if (operators.Count != 1)
        {
            throw rule.Invalid($"must have exactly one comparison operator, And, Or or Not, but has {operators.Count}");
        }

        var name = operators[0];
        if (Combinators.Contains(name))
        {
            if (rule.Has("Variable")) throw rule.Invalid($"uses \"{name}\", which takes no \"Variable\"");
            return name switch
            {
                "And" => new AndRule([.. rule.RequireObjectArray(name).Select(ParseNestedRule)]),
                "Or" => new OrRule([.. rule.RequireObjectArray(name).Select(ParseNestedRule)]),
                _ => new NotRule(ParseNestedRule(rule.RequireObject(name, $"{rule.Location}.Not"))),
            };
        }

        var variable = rule.RequirePath("Variable");
        if (TypeTests.TryGetValue(name, out var test))
        {
            return new TypeTestRule(variable, test, rule.RequireBoolean(name));
        }

        if (name == StringMatches)
        {
            var pattern = rule.RequireString(name);
            return WildcardPattern.TryParse(pattern, out var parsed, out var problem)
                ? new StringMatchesRule(variable, parsed)
                : throw rule.Invalid($"field \"{name}\" has an invalid pattern: {problem}");
        }

        var comparison = Comparisons[name];
        ChoiceOperand operand = comparison.ComparesWithPath
            ? new PathOperand(rule.RequirePath(name))
            : new LiteralOperand(RequireLiteral(rule, name, comparison.Kind));
        return new ComparisonRule(variable, comparison.Kind, comparison.Relation, operand);
    }

    private static JsonNode RequireLiteral(DefinitionObject rule, string field, ValueKind kind)
    {
        var value = rule.Json[field];
        var valid = kind switch
        {
            ValueKind.String => AslJson.KindOf(value) == JsonValueKind.String,
            ValueKind.Numeric => AslJson.KindOf(value) == JsonValueKind.Number,
            ValueKind.Boolean => AslJson.KindOf(value) is JsonValueKind.True or JsonValueKind.False,
            ValueKind.Timestamp => ChoiceValues.TryGetTimestamp(value, out _),
            _ => false,
        };
        return valid
            ? value!.DeepClone()
            : throw rule.Invalid($"field \"{field}\" must be {DescribeOperand(kind)}");
    }

    private static string DescribeOperand(ValueKind kind) => kind switch
    {
        ValueKind.String => "a string",
        ValueKind.Numeric => "a number",
        ValueKind.Boolean => "a boolean",
        _ => "an RFC 3339 timestamp such as 2016-03-14T01:59:00Z",
    };

    private static FrozenDictionary<string, ComparisonOperator> BuildComparisons()
    {
        var operators = new Dictionary<string, ComparisonOperator>(StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<ValueKind>())
        {
            var relations = kind == ValueKind.Boolean ? Relations.Where(r => r.Relation == Relation.Equal) : Relations;
            foreach (var (relationName, relation) in relations)
            {
                var name = $"{kind}{relationName}";
                operators[name] = new ComparisonOperator(kind, relation, ComparesWithPath: false);
                operators[$"{name}Path"] = new ComparisonOperator(kind, relation, ComparesWithPath: true);
            }
        }

        return operators.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private sealed record ComparisonOperator(ValueKind Kind, Relation Relation, bool ComparesWithPath);
}
