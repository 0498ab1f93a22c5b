namespace Conduit.Local.Hosting;

/// <summary>A folder of Markdown; null means the repository's docs/.</summary>
public sealed record LocalKnowledgeBase(string? Folder) : KnowledgeBaseChoice;
