using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

/// <summary>What an argument of an intrinsic function must be; checked on literals at load and on every value at run time.</summary>
internal enum IntrinsicValueKind
{
    Any,
    String,
    Integer,
    Boolean,
    Array,
    Object,
}

/// <summary>
/// One intrinsic function: its parameters (the last <paramref name="OptionalCount"/> may be left out; with
/// <paramref name="Variadic"/> any number of further arguments of any type may follow) and its body.
/// </summary>
internal sealed record IntrinsicFunction(
    string Name,
    IReadOnlyList<IntrinsicValueKind> Parameters,
    Func<IntrinsicInvocation, JsonNode?> Body,
    int OptionalCount = 0,
    bool Variadic = false)
{
    public int MinimumArguments => Parameters.Count - OptionalCount;

    public IntrinsicValueKind KindAt(int position) => position < Parameters.Count ? Parameters[position] : IntrinsicValueKind.Any;

    /// <summary>The problem with passing <paramref name="count"/> arguments, or null when the count is right.</summary>
    public string? CountProblem(int count)
    {
        if (count >= MinimumArguments && (Variadic || count <= Parameters.Count)) return null;
        var expected = (Variadic, OptionalCount) switch
        {
            (true, _) => $"at least {MinimumArguments}",
            (false, 0) => $"{Parameters.Count}",
            _ => $"{MinimumArguments} to {Parameters.Count}",
        };
        return $"{Name} takes {expected} argument{(expected == "1" ? "" : "s")}, but is given {count}";
    }

    public JsonNode? Invoke(IntrinsicInvocation invocation)
    {
        for (var i = 0; i < invocation.Values.Count; i++)
        {
            var kind = KindAt(i);
            if (!Accepts(kind, invocation.Values[i]))
            {
                throw invocation.Failure($"argument {i + 1} must be {Describe(kind)}, but is {AslJson.Serialize(invocation.Values[i])}.");
            }
        }

        return Body(invocation);
    }

    public static bool Accepts(IntrinsicValueKind kind, JsonNode? value) => kind switch
    {
        IntrinsicValueKind.String => AslJson.KindOf(value) == JsonValueKind.String,
        IntrinsicValueKind.Integer => TryGetInteger(value, out _),
        IntrinsicValueKind.Boolean => AslJson.KindOf(value) is JsonValueKind.True or JsonValueKind.False,
        IntrinsicValueKind.Array => value is JsonArray,
        IntrinsicValueKind.Object => value is JsonObject,
        _ => true,
    };

    public static string Describe(IntrinsicValueKind kind) => kind switch
    {
        IntrinsicValueKind.String => "a string",
        IntrinsicValueKind.Integer => "an integer from -2147483648 to 2147483647",
        IntrinsicValueKind.Boolean => "a boolean",
        IntrinsicValueKind.Array => "an array",
        IntrinsicValueKind.Object => "a JSON object",
        _ => "any value",
    };

    public static bool TryGetInteger(JsonNode? value, out int integer)
    {
        integer = 0;
        if (AslJson.KindOf(value) != JsonValueKind.Number) return false;
        if (!decimal.TryParse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return false;
        if (number != decimal.Truncate(number) || number < int.MinValue || number > int.MaxValue) return false;
        integer = (int)number;
        return true;
    }
}
