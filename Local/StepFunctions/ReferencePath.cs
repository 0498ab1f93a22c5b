using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A JSONPath reference path, the subset Step Functions accepts wherever a path must name exactly one node:
/// <c>$</c> (the state's data), <c>$$</c> (the context object) or <c>$name</c> (a workflow variable), then
/// <c>.name</c>, <c>['name']</c> and <c>[index]</c> steps. Parsed with <see cref="TryParsePath"/>, it may instead be a
/// Path with the operators of <see cref="JsonPathQuery"/>, which resolves to an array when indefinite and cannot be
/// placed into.
/// </summary>
internal sealed class ReferencePath
{
    private readonly IReadOnlyList<PathStep> _steps;

    /// <summary>Set for a path outside reference-path syntax, which only fields taking a Path accept.</summary>
    private readonly JsonPathQuery? _query;

    private ReferencePath(
        string text, bool targetsContext, IReadOnlyList<PathStep> steps, string? variableName = null, JsonPathQuery? query = null)
    {
        Text = text;
        TargetsContext = targetsContext;
        _steps = steps;
        VariableName = variableName;
        _query = query;
    }

    public static ReferencePath Root { get; } = new("$", targetsContext: false, []);

    public string Text { get; }

    /// <summary>Whether the path starts at <c>$$</c>, the context object, rather than at the state's data.</summary>
    public bool TargetsContext { get; }

    /// <summary>The workflow variable the path starts at (<c>$name</c>), or null when it starts at data or context.</summary>
    public string? VariableName { get; }

    /// <summary>
    /// Parses a Path, the wider syntax of InputPath, OutputPath, the <c>.$</c> fields of payload templates and the
    /// arguments of intrinsic functions: a reference path, or a JSONPath with the operators <see cref="JsonPathQuery"/> lists.
    /// </summary>
    public static bool TryParsePath(string text, [NotNullWhen(true)] out ReferencePath? path, [NotNullWhen(false)] out string? problem)
    {
        if (TryParse(text, out path, out problem)) return true;
        if (!text.StartsWith('$')) return false;

        var targetsContext = text.StartsWith("$$", StringComparison.Ordinal);
        if (!JsonPathQuery.TryParse(text, targetsContext ? 2 : 1, out var query, out var queryProblem))
        {
            problem = queryProblem!;
            return false;
        }

        path = new ReferencePath(text, targetsContext, [], query: query);
        problem = null;
        return true;
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out ReferencePath? path, [NotNullWhen(false)] out string? problem)
    {
        path = null;
        var targetsContext = text.StartsWith("$$", StringComparison.Ordinal);
        if (!text.StartsWith('$'))
        {
            problem = "a path must start with \"$\"";
            return false;
        }

        var variableName = targetsContext ? null : VariablePathRoot.Read(text);
        var steps = new List<PathStep>();
        var position = targetsContext ? 2 : 1 + (variableName?.Length ?? 0);
        while (position < text.Length)
        {
            var step = text[position] switch
            {
                '.' => ReadMember(text, ref position),
                '[' => ReadBracket(text, ref position),
                _ => null,
            };
            if (step is null)
            {
                problem = $"only $, $$, .name, ['name'] and [index] steps are supported (at character {position + 1})";
                return false;
            }

            steps.Add(step.Value);
        }

        path = new ReferencePath(text, targetsContext, steps, variableName);
        problem = null;
        return true;
    }

    public bool TryResolve(PathScope scope, out JsonNode? value)
    {
        JsonNode? current;
        if (VariableName is not null)
        {
            if (scope.Variables is null || !scope.Variables.TryGet(VariableName, out current))
            {
                value = null;
                return false;
            }
        }
        else
        {
            current = TargetsContext ? scope.Context : scope.Data;
        }

        if (_query is not null) return TrySelect(_query, current, out value);
        foreach (var step in _steps)
        {
            if (!step.TrySelect(current, out current))
            {
                value = null;
                return false;
            }
        }

        value = current;
        return true;
    }

    /// <summary>Resolves the path to a detached copy of its node, or fails with <c>States.Runtime</c>.</summary>
    public JsonNode? Resolve(PathScope scope, string field)
    {
        if (TryResolve(scope, out var value)) return value?.DeepClone();
        var where = VariableName is not null ? $"the variable ${VariableName}" : TargetsContext ? "the context object" : "the state's data";
        throw StatesErrorException.Runtime($"Invalid path '{Text}' for {field}: nothing is at that path in {where}.");
    }

    /// <summary>
    /// Returns <paramref name="target"/> with <paramref name="value"/> placed at this path, as <c>ResultPath</c> does:
    /// missing objects along the way are created, and <c>$</c> replaces the target entirely.
    /// </summary>
    public JsonNode? Place(JsonNode? target, JsonNode? value)
    {
        if (_query is not null) throw new InvalidOperationException($"'{Text}' is not a reference path, so nothing can be placed at it.");
        if (_steps.Count == 0) return value?.DeepClone();

        var root = target?.DeepClone();
        var current = root;
        for (var i = 0; i < _steps.Count; i++)
        {
            var step = _steps[i];
            var isLast = i == _steps.Count - 1;
            JsonNode? next = isLast ? value?.DeepClone() : new JsonObject();
            current = step.Member is { } member
                ? PlaceMember(current, member, next, isLast)
                : PlaceIndex(current, step.Index, next, isLast);
        }

        return root;
    }

    public override string ToString() => Text;

    private static bool TrySelect(JsonPathQuery query, JsonNode? start, out JsonNode? value)
    {
        var matches = query.Select(start);
        if (query.IsDefinite)
        {
            value = matches.Count == 1 ? matches[0] : null;
            return matches.Count == 1;
        }

        value = new JsonArray([.. matches.Select(match => match?.DeepClone())]);
        return true;
    }

    private JsonNode? PlaceMember(JsonNode? current, string member, JsonNode? next, bool isLast)
    {
        if (current is not JsonObject container) throw PlacementFailure();
        if (!isLast && container.TryGetPropertyValue(member, out var existing))
        {
            return existing is JsonObject or JsonArray ? existing : throw PlacementFailure();
        }

        container[member] = next;
        return next;
    }

    private JsonNode? PlaceIndex(JsonNode? current, int index, JsonNode? next, bool isLast)
    {
        if (current is not JsonArray array || index >= array.Count) throw PlacementFailure();
        if (!isLast) return array[index] is JsonObject or JsonArray ? array[index] : throw PlacementFailure();
        array[index] = next;
        return next;
    }

    private StatesErrorException PlacementFailure() => new(
        StatesErrors.ResultPathMatchFailure,
        $"Unable to apply ResultPath '{Text}': the state's input does not have an object or array where the path needs one.");

    private static PathStep? ReadMember(string text, ref int position)
    {
        var start = position + 1;
        var end = start;
        while (end < text.Length && IsMemberCharacter(text[end])) end++;
        if (end == start) return null;
        position = end;
        return PathStep.ForMember(text[start..end]);
    }

    // Characters with a JSONPath meaning (wildcards, filters, unions, slices, scripts) end a dot-notation name;
    // a name needing them must use bracket notation.
    private static bool IsMemberCharacter(char c) =>
        !char.IsWhiteSpace(c) && c is not ('.' or '[' or ']' or '*' or '?' or '@' or '(' or ')' or ',' or ':' or '\'' or '"' or '$');

    private static PathStep? ReadBracket(string text, ref int position)
    {
        var start = position + 1;
        if (start >= text.Length) return null;
        if (text[start] is '\'' or '"') return ReadQuotedMember(text, ref position);

        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
        if (end == start || end >= text.Length || text[end] != ']') return null;
        if (!int.TryParse(text.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return null;
        position = end + 1;
        return PathStep.ForIndex(index);
    }

    private static PathStep? ReadQuotedMember(string text, ref int position)
    {
        var quote = text[position + 1];
        var name = new StringBuilder();
        for (var i = position + 2; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                name.Append(text[++i]);
            }
            else if (c == quote)
            {
                if (i + 1 >= text.Length || text[i + 1] != ']') return null;
                position = i + 2;
                return PathStep.ForMember(name.ToString());
            }
            else
            {
                name.Append(c);
            }
        }

        return null;
    }

    private readonly record struct PathStep(string? Member, int Index)
    {
        public static PathStep ForMember(string name) => new(name, -1);

        public static PathStep ForIndex(int index) => new(null, index);

        public bool TrySelect(JsonNode? node, out JsonNode? selected)
        {
            switch (node)
            {
                case JsonObject container when Member is not null:
                    return container.TryGetPropertyValue(Member, out selected);
                case JsonArray array when Member is null && Index < array.Count:
                    selected = array[Index];
                    return true;
                default:
                    selected = null;
                    return false;
            }
        }
    }
}
