namespace Conduit.Core.Contracts;

/// <summary>The tool result as the model reads it.</summary>
public sealed record KnowledgeLookupResult(IReadOnlyList<PassageRecord> Passages, string? Error = null);
