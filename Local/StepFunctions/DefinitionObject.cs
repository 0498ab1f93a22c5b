using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// One JSON object of a definition (the root, a state, a retrier, a choice rule) with typed field readers whose
/// errors name the object's <see cref="Location"/> and the field.
/// </summary>
internal sealed class DefinitionObject(JsonNode? json, string location)
{
    /// <summary>Where the object is, as messages name it: <c>State "Ask" Retry[0]</c>.</summary>
    public string Location { get; } = location;

    public JsonObject Json { get; } = json as JsonObject ?? throw new AslLoadException($"{location} must be a JSON object");

    public bool Has(string field) => Json.ContainsKey(field);

    public AslLoadException Invalid(string problem) => new($"{Location} {problem}");

    /// <summary>Rejects any field outside <paramref name="supported"/>, naming it and the object.</summary>
    public void RejectFieldsOutside(IReadOnlySet<string> supported, string? objectKind = null)
    {
        foreach (var (field, _) in Json)
        {
            if (supported.Contains(field)) continue;
            var onKind = objectKind is null ? "" : $" on {objectKind}";
            throw Invalid($"uses field \"{field}\", which the local interpreter does not support{onKind}");
        }
    }

    public DefinitionObject RequireObject(string field, string location) =>
        new(Json.TryGetPropertyValue(field, out var value) ? value : throw Missing(field), location);

    public string RequireString(string field) =>
        Json.TryGetPropertyValue(field, out var value) ? AsString(field, value) : throw Missing(field);

    public string? OptionalString(string field) =>
        Json.TryGetPropertyValue(field, out var value) ? AsString(field, value) : null;

    public bool RequireBoolean(string field) => OptionalBoolean(field) ?? throw Missing(field);

    public bool? OptionalBoolean(string field) => OptionalValue<bool>(field, "a boolean", value =>
        value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        });

    public int? OptionalInteger(string field, int minimum, int maximum) =>
        OptionalValue<int>(field, $"an integer from {minimum} to {maximum}", value =>
            value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<int>(out var number)
            && number >= minimum && number <= maximum
                ? number
                : null);

    public double? OptionalNumber(string field, double minimum) =>
        OptionalValue<double>(field, $"a number of at least {minimum}", value =>
            value.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<double>(out var number) && number >= minimum
                ? number
                : null);

    /// <summary>Every item of a non-empty array field, each as an object located as <c>Field[i]</c>.</summary>
    public IReadOnlyList<DefinitionObject> RequireObjectArray(string field)
    {
        if (!Json.TryGetPropertyValue(field, out var value)) throw Missing(field);
        if (value is not JsonArray { Count: > 0 } items) throw Invalid($"field \"{field}\" must be a non-empty array");
        return [.. items.Select((item, i) => new DefinitionObject(item, $"{Location} {field}[{i}]"))];
    }

    public IReadOnlyList<string> RequireStringArray(string field)
    {
        if (!Json.TryGetPropertyValue(field, out var value)) throw Missing(field);
        if (value is not JsonArray { Count: > 0 } items) throw Invalid($"field \"{field}\" must be a non-empty array of strings");
        return [.. items.Select(item => AsString(field, item))];
    }

    /// <summary>
    /// A path field: <paramref name="whenAbsent"/> if missing, null if set to JSON null (which InputPath, OutputPath
    /// and ResultPath give a meaning of their own), and the parsed path otherwise.
    /// </summary>
    public ReferencePath? OptionalPath(string field, ReferencePath? whenAbsent)
    {
        if (!Json.TryGetPropertyValue(field, out var value)) return whenAbsent;
        return value is null ? null : DefinitionPaths.ParseReferencePath(AsString(field, value), Location, field);
    }

    /// <summary>Like <see cref="OptionalPath"/>, for InputPath and OutputPath, which take any Path (wildcards, filters...).</summary>
    public ReferencePath? OptionalSelectionPath(string field, ReferencePath? whenAbsent)
    {
        if (!Json.TryGetPropertyValue(field, out var value)) return whenAbsent;
        return value is null ? null : DefinitionPaths.ParsePath(AsString(field, value), Location, field);
    }

    public ReferencePath RequirePath(string field) => DefinitionPaths.ParseReferencePath(RequireString(field), Location, field);

    private T? OptionalValue<T>(string field, string expected, Func<JsonNode, T?> read)
        where T : struct
    {
        if (!Json.TryGetPropertyValue(field, out var value)) return null;
        return (value is null ? null : read(value)) ?? throw Invalid($"field \"{field}\" must be {expected}");
    }

    private string AsString(string field, JsonNode? value) =>
        value is JsonValue text && text.GetValueKind() == JsonValueKind.String
            ? text.GetValue<string>()
            : throw Invalid($"field \"{field}\" must be a string");

    private AslLoadException Missing(string field) => Invalid($"is missing the required field \"{field}\"");
}
