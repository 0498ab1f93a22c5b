using Conduit.Local.Storage;
using Conduit.Shared.Ports;

namespace Conduit.Tests.Unit.Stores;

/// <summary>The stores of one backend on one clock; <paramref name="Owner"/> is released after the test.</summary>
public sealed record ChatStores(
    IConnectionStore Connections,
    ISessionStore Sessions,
    ITurnStore Turns,
    IHistoryStore History,
    IFrameStore Frames,
    ISubscriptionStore Subscriptions,
    IRateLimitStore RateLimits,
    IAsyncDisposable? Owner = null);

/// <summary>A storage backend the store contract runs against.</summary>
public interface IStoreBackend
{
    ChatStores Open(TimeProvider time, TimeSpan ttl);
}

/// <summary>A fresh in-memory SQLite database per test.</summary>
public sealed class SqliteStoreBackend : IStoreBackend
{
    public ChatStores Open(TimeProvider time, TimeSpan ttl)
    {
        var database = SqliteDatabase.OpenInMemory();
        ChatSchema.Create(database);
        return new ChatStores(
            new SqliteConnectionStore(database),
            new SqliteSessionStore(database, time, ttl),
            new SqliteTurnStore(database, time),
            new SqliteHistoryStore(database, time),
            new SqliteFrameStore(database, time),
            new SqliteSubscriptionStore(database),
            new SqliteRateLimitStore(database),
            database);
    }
}
