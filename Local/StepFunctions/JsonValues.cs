using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>Equality and order of JSON values as JSONPath filters and the array intrinsics need them.</summary>
internal static class JsonValues
{
    /// <summary>Structural equality in which numbers are equal by value, so <c>1</c> equals <c>1.0</c>.</summary>
    public static bool AreEqual(JsonNode? left, JsonNode? right) =>
        AslJson.KindOf(left) == JsonValueKind.Number && AslJson.KindOf(right) == JsonValueKind.Number
            ? ChoiceValues.Compare(ValueKind.Numeric, left, right) == 0
            : JsonNode.DeepEquals(left, right);

    /// <summary>Orders two numbers or two strings; values of other or differing types have no order.</summary>
    public static bool TryCompare(JsonNode? left, JsonNode? right, out int order)
    {
        var kind = AslJson.KindOf(left) == JsonValueKind.Number ? ValueKind.Numeric : ValueKind.String;
        var compared = ChoiceValues.Compare(kind, left, right);
        order = compared ?? 0;
        return compared is not null;
    }
}
