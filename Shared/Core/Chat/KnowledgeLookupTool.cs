using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Conduit.Core.Chat;

/// <summary>The one tool the planner offers the model: a knowledge-base search with a free-text query.</summary>
public static class KnowledgeLookupTool
{
    public const string Name = "kb_lookup";
    public const string QueryArgument = "query";

    private const string Schema = """
        {"type":"object","properties":{"query":{"type":"string","description":"What to search for, in a few words."}},"required":["query"]}
        """;

    public static AIFunctionDeclaration Declaration { get; } = AIFunctionFactory.CreateDeclaration(
        Name,
        "Searches the knowledge base and returns the most relevant passages with their source and title.",
        JsonDocument.Parse(Schema).RootElement.Clone());

    public static string? ReadQuery(IDictionary<string, object?>? arguments) =>
        arguments is not null && arguments.TryGetValue(QueryArgument, out var value)
            ? value switch
            {
                string text => text,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            }
            : null;
}
