using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class ConnectionStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    [NodeFact]
    public async Task GetAsync_AfterAdd_ReturnsTheRecord()
    {
        var connection = new ConnectionRecord(NewId(), Start, "203.0.113.7", "wscat/5.0", Start + TimeSpan.FromHours(2));

        await Stores.Connections.AddAsync(connection, Cancellation);

        Assert.Equal(connection, await Stores.Connections.GetAsync(connection.ConnectionId, Cancellation));
    }

    [NodeFact]
    public async Task GetAsync_AddedWithoutSourceOrAgent_ReturnsNulls()
    {
        var connection = new ConnectionRecord(NewId(), Start, null, null, Start + TimeSpan.FromHours(2));

        await Stores.Connections.AddAsync(connection, Cancellation);

        Assert.Equal(connection, await Stores.Connections.GetAsync(connection.ConnectionId, Cancellation));
    }

    [NodeFact]
    public async Task AddAsync_SameConnectionId_ReplacesTheRecord()
    {
        var connectionId = NewId();
        await Stores.Connections.AddAsync(
            new ConnectionRecord(connectionId, Start, "203.0.113.7", "first", Start + TimeSpan.FromHours(2)), Cancellation);
        var replacement = new ConnectionRecord(
            connectionId, Start + TimeSpan.FromMinutes(1), null, "second", Start + TimeSpan.FromHours(3));

        await Stores.Connections.AddAsync(replacement, Cancellation);

        Assert.Equal(replacement, await Stores.Connections.GetAsync(connectionId, Cancellation));
    }

    [NodeFact]
    public async Task GetAsync_AfterRemove_ReturnsNull()
    {
        var connection = new ConnectionRecord(NewId(), Start, null, null, Start + TimeSpan.FromHours(2));
        await Stores.Connections.AddAsync(connection, Cancellation);

        await Stores.Connections.RemoveAsync(connection.ConnectionId, Cancellation);

        Assert.Null(await Stores.Connections.GetAsync(connection.ConnectionId, Cancellation));
    }

    [NodeFact]
    public async Task RemoveAsync_UnknownConnection_LeavesOthers()
    {
        var kept = new ConnectionRecord(NewId(), Start, null, null, Start + TimeSpan.FromHours(2));
        await Stores.Connections.AddAsync(kept, Cancellation);

        await Stores.Connections.RemoveAsync(NewId(), Cancellation);

        Assert.Equal(kept, await Stores.Connections.GetAsync(kept.ConnectionId, Cancellation));
    }

    [NodeFact]
    public async Task GetAsync_UnknownConnection_ReturnsNull() =>
        Assert.Null(await Stores.Connections.GetAsync(NewId(), Cancellation));

    [NodeFact]
    public async Task GetAsync_AddedForAUser_ReturnsTheUserId()
    {
        var connection = new ConnectionRecord(NewId(), Start, null, null, Start + TimeSpan.FromHours(2)) { UserId = NewId() };

        await Stores.Connections.AddAsync(connection, Cancellation);

        Assert.Equal(connection, await Stores.Connections.GetAsync(connection.ConnectionId, Cancellation));
    }

    [NodeFact]
    public async Task CountForUserAsync_OpenExpiredAndOtherUsersConnections_CountsOnlyTheUsersUnexpiredOnes()
    {
        var userId = NewId();
        ConnectionRecord Expiring(string? user, TimeSpan after) => new(NewId(), Start, null, null, Start + after) { UserId = user };
        ConnectionRecord[] connections =
        [
            Expiring(userId, TimeSpan.FromHours(2)), Expiring(userId, TimeSpan.FromSeconds(1)),
            Expiring(userId, TimeSpan.Zero), Expiring(userId, TimeSpan.FromSeconds(-30)),
            Expiring(NewId(), TimeSpan.FromHours(2)), Expiring(null, TimeSpan.FromHours(2)),
        ];
        foreach (var connection in connections) await Stores.Connections.AddAsync(connection, Cancellation);

        Assert.Equal(2, await Stores.Connections.CountForUserAsync(userId, Start, Cancellation));
        Assert.Equal(1, await Stores.Connections.CountForUserAsync(userId, Start.AddSeconds(1), Cancellation));
    }

    [NodeFact]
    public async Task CountForUserAsync_AfterRemove_NoLongerCountsTheConnection()
    {
        var userId = NewId();
        var kept = new ConnectionRecord(NewId(), Start, null, null, Start + TimeSpan.FromHours(2)) { UserId = userId };
        var removed = kept with { ConnectionId = NewId() };
        await Stores.Connections.AddAsync(kept, Cancellation);
        await Stores.Connections.AddAsync(removed, Cancellation);

        await Stores.Connections.RemoveAsync(removed.ConnectionId, Cancellation);

        Assert.Equal(1, await Stores.Connections.CountForUserAsync(userId, Start, Cancellation));
    }

    [NodeFact]
    public async Task CountForUserAsync_UnknownUser_ReturnsZero() =>
        Assert.Equal(0, await Stores.Connections.CountForUserAsync(NewId(), Start, Cancellation));

    [NodeFact]
    public async Task ListForUserAsync_OpenExpiredAndOtherUsersConnections_ListsOnlyTheUsersUnexpiredOnes()
    {
        var userId = NewId();
        ConnectionRecord Expiring(string? user, TimeSpan after) => new(NewId(), Start, null, null, Start + after) { UserId = user };
        ConnectionRecord[] open = [Expiring(userId, TimeSpan.FromHours(2)), Expiring(userId, TimeSpan.FromSeconds(1))];
        ConnectionRecord[] others =
        [
            Expiring(userId, TimeSpan.Zero), Expiring(userId, TimeSpan.FromSeconds(-30)),
            Expiring(NewId(), TimeSpan.FromHours(2)), Expiring(null, TimeSpan.FromHours(2)),
        ];
        foreach (var connection in open.Concat(others)) await Stores.Connections.AddAsync(connection, Cancellation);

        var listed = await Stores.Connections.ListForUserAsync(userId, Start, Cancellation);

        Assert.Equal(open.Select(c => c.ConnectionId).Order(StringComparer.Ordinal), listed);
        Assert.Equal(listed.Count, await Stores.Connections.CountForUserAsync(userId, Start, Cancellation));
    }
}
