using Conduit.Tests.Support.Stores;

namespace Conduit.Tests.Local.Storage;

public sealed class SqliteConnectionStoreTests() : ConnectionStoreContract(new SqliteStoreBackend());

public sealed class SqliteSessionStoreTests() : SessionStoreContract(new SqliteStoreBackend());

public sealed class SqliteTurnStoreTests() : TurnStoreContract(new SqliteStoreBackend());

public sealed class SqliteHistoryStoreTests() : HistoryStoreContract(new SqliteStoreBackend());

public sealed class SqliteFrameStoreTests() : FrameStoreContract(new SqliteStoreBackend());

public sealed class SqliteSubscriptionStoreTests() : SubscriptionStoreContract(new SqliteStoreBackend());

public sealed class SqliteRateLimitStoreTests() : RateLimitStoreContract(new SqliteStoreBackend());

public sealed class SqliteLiveConnectionsTests() : LiveConnectionsContract(new SqliteStoreBackend());

public sealed class SqliteSessionDirectoryTests() : SessionDirectoryContract(new SqliteStoreBackend());
