using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// A state's (or a Choice rule's, or a catcher's) <c>Assign</c> field: a template like <c>Parameters</c> whose
/// top-level names are the variables it sets. Every value is computed from the variables as they were when the state
/// was entered, and all of them take effect together once the state is done, as AWS documents.
/// </summary>
internal sealed class VariableAssignment
{
    /// <summary>AWS's limit on one variable's value and on all the values one <c>Assign</c> sets, in UTF-8 bytes.</summary>
    public const int MaxBytes = 262_144;

    public const int MaxNameLength = 80;

    private const string ReservedName = "states";

    private readonly PayloadTemplate _template;

    private VariableAssignment(PayloadTemplate template, IReadOnlyList<string> names)
    {
        _template = template;
        Names = names;
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>The owner's <c>Assign</c> field, or null when it has none.</summary>
    public static VariableAssignment? Parse(DefinitionObject owner)
    {
        if (!owner.Json.TryGetPropertyValue("Assign", out var json)) return null;
        if (json is not JsonObject assign) throw owner.Invalid("field \"Assign\" must be a JSON object");

        var names = new List<string>(assign.Count);
        foreach (var (key, _) in assign)
        {
            var name = key.EndsWith(".$", StringComparison.Ordinal) ? key[..^2] : key;
            if (Problem(name) is { } problem) throw owner.Invalid($"field \"Assign\" variable \"{name}\" {problem}");
            names.Add(name);
        }

        return new VariableAssignment(PayloadTemplate.Parse(assign, $"{owner.Location} Assign"), names);
    }

    /// <summary>The values to assign, checked against the size quota, which AWS enforces as a runtime failure.</summary>
    public JsonObject Evaluate(PathScope scope, string stateName)
    {
        var values = (JsonObject)_template.Evaluate(scope)!;
        var total = 0;
        foreach (var (name, value) in values)
        {
            var bytes = Encoding.UTF8.GetByteCount(AslJson.Serialize(value));
            total += bytes;
            if (bytes > MaxBytes || total > MaxBytes)
            {
                throw StatesErrorException.Runtime(string.Create(
                    CultureInfo.InvariantCulture,
                    $"The variables assigned by state '{stateName}' exceed the {MaxBytes}-byte limit (at variable '{name}')."));
            }
        }

        return values;
    }

    private static string? Problem(string name)
    {
        if (name == ReservedName) return "is reserved by Step Functions";
        if (name.Length > MaxNameLength) return $"is longer than {MaxNameLength} characters";
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
        {
            return "must start with a letter or underscore and hold only letters, digits and underscores";
        }

        return null;
    }
}
