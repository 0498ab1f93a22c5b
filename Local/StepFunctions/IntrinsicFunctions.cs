using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kind = Conduit.Local.StepFunctions.IntrinsicValueKind;

namespace Conduit.Local.StepFunctions;

/// <summary>
/// Every intrinsic function of the JSONPath query language, with the argument rules and limits of the AWS page
/// "Intrinsic functions for JSONPath states in Step Functions" (docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
/// </summary>
internal static class IntrinsicFunctions
{
    /// <summary>The most characters States.Base64Encode, States.Base64Decode and States.Hash accept.</summary>
    public const int MaxInputCharacters = 10_000;

    /// <summary>The longest array States.ArrayRange may produce.</summary>
    public const int MaxRangeItems = 1_000;

    private const string Placeholder = "{}";

    private static readonly FrozenDictionary<string, Func<byte[], byte[]>> HashAlgorithms =
        new Dictionary<string, Func<byte[], byte[]>>(StringComparer.Ordinal)
        {
#pragma warning disable CA5351 // MD5 and SHA-1 are offered because the workflow asks for them, not used for security here.
            ["MD5"] = MD5.HashData,
            ["SHA-1"] = SHA1.HashData,
#pragma warning restore CA5351
            ["SHA-256"] = SHA256.HashData,
            ["SHA-384"] = SHA384.HashData,
            ["SHA-512"] = SHA512.HashData,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, IntrinsicFunction> ByName = new IntrinsicFunction[]
    {
        new("States.Format", [Kind.String], Format, Variadic: true),
        new("States.StringToJson", [Kind.String], StringToJson),
        new("States.JsonToString", [Kind.Any], call => AslJson.Serialize(call.Values[0])),
        new("States.Array", [], call => new JsonArray([.. call.Values.Select(value => value?.DeepClone())]), Variadic: true),
        new("States.ArrayPartition", [Kind.Array, Kind.Integer], ArrayPartition),
        new("States.ArrayContains", [Kind.Array, Kind.Any], call => Items(call, 0).Any(item => JsonValues.AreEqual(item, call.Values[1]))),
        new("States.ArrayRange", [Kind.Integer, Kind.Integer, Kind.Integer], ArrayRange),
        new("States.ArrayGetItem", [Kind.Array, Kind.Integer], ArrayGetItem),
        new("States.ArrayLength", [Kind.Array], call => Items(call, 0).Count),
        new("States.ArrayUnique", [Kind.Array], ArrayUnique),
        new("States.Base64Encode", [Kind.String], call => Convert.ToBase64String(Encoding.UTF8.GetBytes(LimitedText(call, 0)))),
        new("States.Base64Decode", [Kind.String], Base64Decode),
        new("States.Hash", [Kind.String, Kind.String], Hash),
        new("States.JsonMerge", [Kind.Object, Kind.Object, Kind.Boolean], JsonMerge),
        new("States.MathRandom", [Kind.Integer, Kind.Integer, Kind.Integer], MathRandom, OptionalCount: 1),
        new("States.MathAdd", [Kind.Integer, Kind.Integer], MathAdd),
        new("States.StringSplit", [Kind.String, Kind.String], StringSplit),
        new("States.UUID", [], _ => Guid.NewGuid().ToString()),
    }.ToFrozenDictionary(function => function.Name, StringComparer.Ordinal);

    public static IEnumerable<string> Names => ByName.Keys.Order(StringComparer.Ordinal);

    public static IntrinsicFunction? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Splits a States.Format template read from the data (not a literal, which has escapes) at its placeholders.</summary>
    public static IReadOnlyList<string> SplitTemplate(string template) => template.Split(Placeholder);

    private static JsonNode Format(IntrinsicInvocation call)
    {
        var pieces = call.Call.Arguments[0] is LiteralArgument { FormatPieces: { } literalPieces }
            ? literalPieces
            : SplitTemplate(Text(call, 0));
        var values = call.Values.Skip(1).ToList();
        if (pieces.Count - 1 != values.Count)
        {
            throw call.Failure($"the template has {pieces.Count - 1} {{}} placeholder(s) but {values.Count} value(s) follow it.");
        }

        var text = new StringBuilder(pieces[0]);
        for (var i = 0; i < values.Count; i++)
        {
            text.Append(AslJson.TryGetString(values[i], out var value) ? value : AslJson.Serialize(values[i])).Append(pieces[i + 1]);
        }

        return text.ToString();
    }

    private static JsonNode? StringToJson(IntrinsicInvocation call)
    {
        try
        {
            return JsonNode.Parse(Text(call, 0));
        }
        catch (JsonException failure)
        {
            throw call.Failure($"the string is not JSON text: {failure.Message}");
        }
    }

    private static JsonArray ArrayPartition(IntrinsicInvocation call)
    {
        var size = Integer(call, 1);
        if (size <= 0) throw call.Failure($"the chunk size must be a positive integer, but is {size}.");
        return new JsonArray([.. Items(call, 0).Chunk(size).Select(chunk => new JsonArray([.. chunk.Select(item => item?.DeepClone())]))]);
    }

    private static JsonArray ArrayRange(IntrinsicInvocation call)
    {
        var (start, end, step) = (Integer(call, 0), Integer(call, 1), Integer(call, 2));
        if (step == 0) throw call.Failure("the step must not be 0.");
        var count = (end - (long)start) / step + 1;
        if (count > MaxRangeItems) throw call.Failure($"the range would have {count} items; the most it can have is {MaxRangeItems}.");
        var range = new JsonArray();
        for (var i = 0L; i < count; i++) range.Add(start + i * step);
        return range;
    }

    private static JsonNode? ArrayGetItem(IntrinsicInvocation call)
    {
        var items = Items(call, 0);
        var index = Integer(call, 1);
        return index >= 0 && index < items.Count
            ? items[index]?.DeepClone()
            : throw call.Failure($"the index {index} is outside the array, which has {items.Count} item(s).");
    }

    private static JsonArray ArrayUnique(IntrinsicInvocation call)
    {
        var unique = new List<JsonNode?>();
        foreach (var item in Items(call, 0))
        {
            if (!unique.Any(seen => JsonValues.AreEqual(seen, item))) unique.Add(item);
        }

        return new JsonArray([.. unique.Select(item => item?.DeepClone())]);
    }

    private static JsonNode Base64Decode(IntrinsicInvocation call)
    {
        var encoded = LimitedText(call, 0);
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)
                .GetString(Convert.FromBase64String(encoded));
        }
        catch (Exception failure) when (failure is FormatException or ArgumentException)
        {
            throw call.Failure("the string is not base64 that decodes to UTF-8 text.");
        }
    }

    private static JsonNode Hash(IntrinsicInvocation call)
    {
        var data = LimitedText(call, 0);
        var algorithm = Text(call, 1);
        return HashAlgorithms.TryGetValue(algorithm, out var hash)
            ? Convert.ToHexStringLower(hash(Encoding.UTF8.GetBytes(data)))
            : throw call.Failure($"the algorithm is \"{algorithm}\"; it must be one of {string.Join(", ", HashAlgorithms.Keys.Order())}.");
    }

    // Step Functions merges only the top level: a key in both objects takes the second object's value whole.
    private static JsonObject JsonMerge(IntrinsicInvocation call)
    {
        if (AslJson.KindOf(call.Values[2]) == JsonValueKind.True)
        {
            throw call.Failure("deep merge (a third argument of true) is not supported; pass false for a shallow merge.");
        }

        var merged = (JsonObject)call.Values[0]!.DeepClone();
        foreach (var (key, value) in (JsonObject)call.Values[1]!) merged[key] = value?.DeepClone();
        return merged;
    }

    // The start is inclusive and the end exclusive; a seed makes the number repeatable.
    private static JsonNode MathRandom(IntrinsicInvocation call)
    {
        var (start, end) = (Integer(call, 0), Integer(call, 1));
        if (start >= end) throw call.Failure($"the start ({start}) must be less than the end ({end}).");
        var random = call.Values.Count > 2 ? new Random(Integer(call, 2)) : Random.Shared;
        return random.Next(start, end);
    }

    private static JsonNode MathAdd(IntrinsicInvocation call)
    {
        var sum = (long)Integer(call, 0) + Integer(call, 1);
        return sum is >= int.MinValue and <= int.MaxValue
            ? (int)sum
            : throw call.Failure($"the sum {sum.ToString(CultureInfo.InvariantCulture)} is outside the integer range.");
    }

    // Every character of the splitter separates, and empty pieces are dropped, as the AWS examples show.
    private static JsonArray StringSplit(IntrinsicInvocation call) =>
        new([.. Text(call, 0).Split(Text(call, 1).ToCharArray(), StringSplitOptions.RemoveEmptyEntries).Select(part => (JsonNode)part)]);

    private static string Text(IntrinsicInvocation call, int position) => call.Values[position]!.GetValue<string>();

    private static string LimitedText(IntrinsicInvocation call, int position)
    {
        var text = Text(call, position);
        return text.Length <= MaxInputCharacters
            ? text
            : throw call.Failure($"the input has {text.Length} characters; the most it can have is {MaxInputCharacters}.");
    }

    private static int Integer(IntrinsicInvocation call, int position) =>
        IntrinsicFunction.TryGetInteger(call.Values[position], out var value) ? value : throw new InvalidOperationException("checked");

    private static JsonArray Items(IntrinsicInvocation call, int position) => (JsonArray)call.Values[position]!;
}
