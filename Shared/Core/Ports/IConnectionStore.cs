namespace Conduit.Core.Ports;

public interface IConnectionStore
{
    Task AddAsync(ConnectionRecord connection, CancellationToken cancellationToken);
    Task<ConnectionRecord?> GetAsync(string connectionId, CancellationToken cancellationToken);
    Task RemoveAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>How many unexpired connections (expiry after <paramref name="now"/>) the user has open.</summary>
    Task<int> CountForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The ids of the user's unexpired connections: the ones <see cref="CountForUserAsync"/> counts.</summary>
    Task<IReadOnlyList<string>> ListForUserAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);
}
