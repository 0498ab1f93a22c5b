namespace Conduit.Local.Knowledge;

/// <summary>A searchable piece of a Markdown document.</summary>
/// <param name="Source">The document's path relative to the knowledge-base folder, with forward slashes.</param>
/// <param name="Title">The heading path the text sits under, for example "Protocol › Server frames".</param>
/// <param name="Text">One paragraph, a run of short blocks under the same heading, or part of a long paragraph.</param>
/// <param name="Position">Zero-based position of the chunk within its document.</param>
public sealed record KnowledgeChunk(string Source, string Title, string Text, int Position);
