using System.Collections.Concurrent;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Tests.Support.Stores;

/// <summary>
/// The connection cap's liveness check over each store: below the cap nothing is checked; at it, connections
/// @connections calls gone are removed with their subscriptions and not counted; one that cannot be checked counts.
/// </summary>
public abstract class LiveConnectionsContract(IStoreBackend backend) : StoreContract(backend)
{
    private readonly ScriptedConnections _gateway = new();

    [NodeFact]
    public async Task CountAsync_BelowTheCap_ChecksNoConnection()
    {
        var userId = NewId();
        await AddAsync(userId);

        Assert.Equal(1, await Live().CountAsync(userId, cap: 2, Start, Cancellation));
        Assert.Empty(_gateway.Checked);
    }

    [NodeFact]
    public async Task CountAsync_AtTheCapWithGoneConnections_RemovesThemAndCountsOnlyTheLiveOnes()
    {
        var userId = NewId();
        var sessionId = await CreateSessionAsync();
        var live = await AddAsync(userId);
        _gateway.Live.Add(live);
        string[] gone = [await AddAsync(userId), await AddAsync(userId)];
        foreach (var id in gone) await Stores.Subscriptions.SubscribeAsync(sessionId, id, 0, true, Start.AddHours(1), Cancellation);

        var count = await Live().CountAsync(userId, cap: 3, Start, Cancellation);

        Assert.Equal(1, count);
        Assert.NotNull(await Stores.Connections.GetAsync(live, Cancellation));
        foreach (var id in gone) Assert.Null(await Stores.Connections.GetAsync(id, Cancellation));
        Assert.Empty(await Stores.Subscriptions.ListAsync(sessionId, Cancellation));
        Assert.Equal(1, await Stores.Connections.CountForUserAsync(userId, Start, Cancellation));
    }

    [NodeFact]
    public async Task CountAsync_ACheckFails_CountsThatConnectionAndKeepsIt()
    {
        var userId = NewId();
        var unknown = await AddAsync(userId);
        _gateway.Failing.Add(unknown);

        Assert.Equal(1, await Live().CountAsync(userId, cap: 1, Start, Cancellation));
        Assert.NotNull(await Stores.Connections.GetAsync(unknown, Cancellation));
    }

    private LiveConnections Live() =>
        new(Stores.Connections, Stores.Subscriptions, _gateway, NullLogger<LiveConnections>.Instance);

    private async Task<string> AddAsync(string userId)
    {
        var id = NewId();
        await Stores.Connections.AddAsync(new ConnectionRecord(id, Start, null, null, Start.AddHours(2)) { UserId = userId }, Cancellation);
        return id;
    }

    /// <summary>@connections as API Gateway answers it: live ids exist, failing ones answer an error, any other is gone.</summary>
    private sealed class ScriptedConnections : IConnectionSender
    {
        public ConcurrentBag<string> Live { get; } = [];

        public ConcurrentBag<string> Failing { get; } = [];

        public ConcurrentBag<string> Checked { get; } = [];

        public Task<PostResult> PostAsync(string connectionId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The cap only checks connections.");

        public Task<ConnectionInfo?> GetAsync(string connectionId, CancellationToken cancellationToken)
        {
            Checked.Add(connectionId);
            if (Failing.Contains(connectionId)) throw new HttpRequestException("500 Internal Server Error");
            return Task.FromResult(Live.Contains(connectionId) ? new ConnectionInfo(Start, Start, null, null) : null);
        }

        public Task<bool> DeleteAsync(string connectionId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The cap only checks connections.");
    }
}
