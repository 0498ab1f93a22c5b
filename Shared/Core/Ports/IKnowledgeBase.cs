namespace Conduit.Core.Ports;

public interface IKnowledgeBase
{
    Task<IReadOnlyList<Passage>> SearchAsync(string query, int maxResults, CancellationToken cancellationToken);
}
