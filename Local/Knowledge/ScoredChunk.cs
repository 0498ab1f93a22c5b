namespace Conduit.Local.Knowledge;

/// <summary>A chunk matched by a query, with its BM25 score (always above zero).</summary>
public sealed record ScoredChunk(KnowledgeChunk Chunk, double Score);
