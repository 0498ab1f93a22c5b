using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Local.Edge;

/// <summary>
/// Reads one member of an AWS JSON request the way every coral service does: absent is null, a value of the wrong JSON
/// type is <c>SerializationException</c>; each service adds its own constraints on top.
/// </summary>
public static class AwsJsonMembers
{
    public static string? OptionalString(JsonObject input, string member) => input[member] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw AwsJsonException.Serialization($"'{member}' must be a string."),
    };
}
