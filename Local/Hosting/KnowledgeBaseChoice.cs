using System.Text.RegularExpressions;

namespace Conduit.Local.Hosting;

/// <summary>Which knowledge base kb_lookup searches: a local Markdown folder (BM25), or a Bedrock knowledge base.</summary>
public abstract partial record KnowledgeBaseChoice
{
    /// <summary>Reads <c>bedrock:&lt;knowledgeBaseId&gt;</c> (the 10-character id) or a Markdown folder.</summary>
    public static KnowledgeBaseChoice Parse(string text)
    {
        if (!text.StartsWith("bedrock:", StringComparison.Ordinal)) return new LocalKnowledgeBase(text);
        var id = text["bedrock:".Length..];
        return KnowledgeBaseId().IsMatch(id)
            ? new BedrockKnowledgeBaseChoice(id)
            : throw new ArgumentException($"--kb bedrock:<knowledgeBaseId> takes the 10-letter-or-digit id, not \"{id}\".");
    }

    [GeneratedRegex("^[0-9a-zA-Z]{10}$")]
    private static partial Regex KnowledgeBaseId();
}
