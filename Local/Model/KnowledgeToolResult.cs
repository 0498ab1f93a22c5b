using System.Text.Json;
using Conduit.Core.Ports;

namespace Conduit.Local.Model;

/// <summary>
/// Reads the passages out of a <c>kb_lookup</c> result: <c>{"passages":[{"source","title","text","score"}]}</c>,
/// given as a JSON string or an already parsed element. Anything else reads as no passages, because a
/// stand-in model must answer whatever the pipeline hands it.
/// </summary>
internal static class KnowledgeToolResult
{
    public static IReadOnlyList<Passage> ReadPassages(object? result)
    {
        switch (result)
        {
            case JsonElement element:
                return ReadPassages(element);
            case string json:
                try
                {
                    using var document = JsonDocument.Parse(json);
                    return ReadPassages(document.RootElement);
                }
                catch (JsonException)
                {
                    return [];
                }

            default:
                return [];
        }
    }

    /// <summary>The result as the model would read it, for counting input words.</summary>
    public static string? ReadText(object? result) => result switch
    {
        string text => text,
        JsonElement element => element.GetRawText(),
        _ => null,
    };

    private static List<Passage> ReadPassages(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("passages", out var items)
            || items.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var passages = new List<Passage>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && ReadString(item, "text") is { Length: > 0 } text)
            {
                passages.Add(new Passage(ReadString(item, "source") ?? "", ReadString(item, "title") ?? "", text, ReadScore(item)));
            }
        }

        return passages;
    }

    private static string? ReadString(JsonElement item, string property) =>
        item.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double ReadScore(JsonElement item) =>
        item.TryGetProperty("score", out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var score)
            ? score
            : 0;
}
