using Conduit.Core.Ports;
using Microsoft.Extensions.Logging;

namespace Conduit.Core.Chat;

/// <summary>
/// Counts a user's connections for the open-connection cap. The store's count is the cheap answer; only a user at the
/// cap gets each counted connection checked with @connections GetConnection, because rows outlive their sockets (a
/// crashed local host, API Gateway's 10-minute idle timeout, a lost $disconnect). Gone ones are removed with their
/// subscriptions, as a post that answers Gone removes them, so idleness costs no write per frame.
/// </summary>
public sealed class LiveConnections(
    IConnectionStore connections,
    ISubscriptionStore subscriptions,
    IConnectionSender sender,
    ILogger<LiveConnections> logger)
{
    /// <summary>The user's open connections, checked one by one when there are at least <paramref name="cap"/> of them.</summary>
    public async Task<int> CountAsync(string userId, int cap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counted = await connections.CountForUserAsync(userId, now, cancellationToken).ConfigureAwait(false);
        if (counted < cap) return counted;
        var ids = await connections.ListForUserAsync(userId, now, cancellationToken).ConfigureAwait(false);
        var live = await Task.WhenAll(ids.Select(id => IsLiveAsync(id, cancellationToken))).ConfigureAwait(false);
        return live.Count(alive => alive);
    }

    private async Task<bool> IsLiveAsync(string connectionId, CancellationToken cancellationToken)
    {
        try
        {
            if (await sender.GetAsync(connectionId, cancellationToken).ConfigureAwait(false) is not null) return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Unknown is not gone: a connection is removed only on API Gateway's own word.
            ChatLog.ConnectionCheckFailed(logger, exception, connectionId);
            return true;
        }
        await subscriptions.RemoveConnectionAsync(connectionId, cancellationToken).ConfigureAwait(false);
        await connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
        ChatLog.GoneConnectionRemoved(logger, connectionId);
        return false;
    }
}
