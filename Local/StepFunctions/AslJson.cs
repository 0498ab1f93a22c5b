using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.StepFunctions;

internal static class AslJson
{
    /// <summary>Step Functions' quota for an execution's input, a task result and any state's data, in UTF-8 bytes.</summary>
    public const int MaxPayloadBytes = 262_144;

    // State data is shown in history and measured against the quota as the raw UTF-8 AWS stores; the default
    // encoder's \uXXXX escapes for non-ASCII and HTML-sensitive characters would inflate both.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(WriteOptions);

    public static JsonValueKind KindOf(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static bool TryGetString(JsonNode? node, [NotNullWhen(true)] out string? text)
    {
        text = null;
        return KindOf(node) == JsonValueKind.String && node!.AsValue().TryGetValue(out text);
    }

    public static bool FitsPayloadQuota(string json) => Encoding.UTF8.GetByteCount(json) <= MaxPayloadBytes;

    /// <summary>Serializes state data, failing with <c>States.DataLimitExceeded</c> when it is over the quota.</summary>
    public static string SerializeWithinQuota(JsonNode? node, string whatItIs)
    {
        var json = Serialize(node);
        return FitsPayloadQuota(json)
            ? json
            : throw new StatesErrorException(
                StatesErrors.DataLimitExceeded,
                $"{whatItIs} is {Encoding.UTF8.GetByteCount(json)} bytes, more than the {MaxPayloadBytes}-byte limit.");
    }
}
