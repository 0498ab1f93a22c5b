namespace Conduit.Local.Hosting;

public sealed record SqliteStore : StoreChoice;
