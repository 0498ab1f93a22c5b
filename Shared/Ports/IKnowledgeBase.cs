namespace Conduit.Shared.Ports;

/// <summary>A passage returned by knowledge-base retrieval, ranked by <see cref="Score"/> (higher is better).</summary>
public sealed record Passage(string Source, string Title, string Text, double Score);

public interface IKnowledgeBase
{
    Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken);
}
