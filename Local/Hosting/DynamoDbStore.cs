namespace Conduit.Local.Hosting;

/// <summary>With an endpoint (a local DynamoDB-compatible server) missing tables are created at start-up.</summary>
public sealed record DynamoDbStore(Uri? Endpoint) : StoreChoice;
