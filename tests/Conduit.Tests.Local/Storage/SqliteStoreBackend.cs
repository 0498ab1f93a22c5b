using Conduit.Local.Sqlite;
using Conduit.Local.Storage;
using Conduit.Tests.Support.Stores;

namespace Conduit.Tests.Local.Storage;

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
            database)
        {
            SessionDirectory = new SqliteSessionDirectory(database, time),
        };
    }
}
