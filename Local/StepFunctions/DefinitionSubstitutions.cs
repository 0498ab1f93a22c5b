using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Fills <c>${Name}</c> placeholders in a definition's string values, as SAM and CloudFormation
/// <c>DefinitionSubstitutions</c> do when the state machine is deployed.
/// </summary>
internal static partial class DefinitionSubstitutions
{
    public static JsonNode? Apply(JsonNode? definition, IReadOnlyDictionary<string, string> substitutions)
    {
        var unbound = new SortedSet<string>(StringComparer.Ordinal);
        var substituted = Substitute(definition, substitutions, unbound);
        return unbound.Count switch
        {
            0 => substituted,
            1 => throw new AslLoadException($"The definition uses placeholder \"${{{unbound.Min}}}\", which has no substitution"),
            _ => throw new AslLoadException(
                $"The definition uses placeholders {string.Join(", ", unbound.Select(name => $"\"${{{name}}}\""))}, "
                + "which have no substitutions"),
        };
    }

    private static JsonNode? Substitute(
        JsonNode? node, IReadOnlyDictionary<string, string> substitutions, ISet<string> unbound) => node switch
    {
        JsonObject container => new JsonObject(
            container.Select(property => KeyValuePair.Create(property.Key, Substitute(property.Value, substitutions, unbound)))),
        JsonArray array => new JsonArray([.. array.Select(item => Substitute(item, substitutions, unbound))]),
        JsonValue text when text.GetValueKind() == JsonValueKind.String => JsonValue.Create(
            Placeholder().Replace(text.GetValue<string>(), match =>
            {
                var name = match.Groups["name"].Value;
                if (substitutions.TryGetValue(name, out var value)) return value;
                unbound.Add(name);
                return match.Value;
            })),
        _ => node?.DeepClone(),
    };

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z0-9_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
