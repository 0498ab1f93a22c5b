using Conduit.Tests.Support;
using Conduit.Tests.Support.Stores;

namespace Conduit.Tests.Aws.DynamoDb;

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoConnectionStoreTests(DynaliteServer dynalite) : ConnectionStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoSessionStoreTests(DynaliteServer dynalite) : SessionStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoTurnStoreTests(DynaliteServer dynalite) : TurnStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoHistoryStoreTests(DynaliteServer dynalite) : HistoryStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoFrameStoreTests(DynaliteServer dynalite) : FrameStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoSubscriptionStoreTests(DynaliteServer dynalite) : SubscriptionStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoRateLimitStoreTests(DynaliteServer dynalite) : RateLimitStoreContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoLiveConnectionsTests(DynaliteServer dynalite) : LiveConnectionsContract(dynalite);

[Collection(DynaliteCollection.Name), RequiresNode]
public sealed class DynamoSessionDirectoryTests(DynaliteServer dynalite) : SessionDirectoryContract(dynalite);
