using System.Collections.Concurrent;
using Conduit.Core.Ports;

namespace Conduit.Core.Chat;

/// <summary>
/// Who each connection acts for, read from the store once and then kept until the connection's record expires: a
/// connection's user never changes while it lives, and every message would otherwise wait one store round trip to
/// learn it before anything else can start. A connection this process signed in is known without any read. Kept per
/// process (on AWS, per warm Ingress instance); a disconnect handled here forgets the connection at once, and API
/// Gateway routes no message from a connection after its $disconnect.
/// </summary>
public sealed class SignedInConnections(IConnectionStore connections, TimeProvider time)
{
    /// <summary>Past this many, the cache starts again empty: a bound on memory, at the price of a read per connection.</summary>
    public const int MaxRemembered = 50_000;

    private readonly ConcurrentDictionary<string, ConnectionRecord> _known = new(StringComparer.Ordinal);

    public void Remember(ConnectionRecord connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.UserId is null) return;
        if (_known.Count >= MaxRemembered) _known.Clear();
        _known[connection.ConnectionId] = connection;
    }

    public void Forget(string connectionId) => _known.TryRemove(connectionId, out _);

    /// <summary>The user the connection acts for, or null when it is not signed in.</summary>
    public async Task<string?> UserOfAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(connectionId, out var known) && time.GetUtcNow() < known.ExpiresAt) return known.UserId;
        var stored = await connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            Forget(connectionId);
            return null;
        }
        Remember(stored);
        return stored.UserId;
    }
}
