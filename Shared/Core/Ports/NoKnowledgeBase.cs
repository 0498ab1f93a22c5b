namespace Conduit.Core.Ports;

/// <summary>A deployment without a knowledge base: the planner then offers no tool, so this is never searched.</summary>
public sealed class NoKnowledgeBase : IKnowledgeBase
{
    public static NoKnowledgeBase Instance { get; } = new();

    public Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Passage>>([]);
}
