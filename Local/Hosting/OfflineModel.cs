namespace Conduit.Local.Hosting;

public sealed record OfflineModel : ModelChoice;
