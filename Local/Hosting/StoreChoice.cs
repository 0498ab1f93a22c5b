namespace Conduit.Local.Hosting;

/// <summary>Where sessions, turns, history and frames are kept: SQLite, or DynamoDB (AWS, or a local endpoint).</summary>
public abstract record StoreChoice
{
    public static StoreChoice Sqlite { get; } = new SqliteStore();

    /// <summary>Reads <c>sqlite</c>, <c>dynamodb</c> or <c>dynamodb:&lt;endpoint&gt;</c>.</summary>
    public static StoreChoice Parse(string text)
    {
        if (text == "sqlite") return Sqlite;
        if (text == "dynamodb") return new DynamoDbStore(null);
        if (text.StartsWith("dynamodb:", StringComparison.Ordinal)
            && Uri.TryCreate(text["dynamodb:".Length..], UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https")
            return new DynamoDbStore(endpoint);
        throw new ArgumentException(
            $"--store takes sqlite, dynamodb or dynamodb:<endpoint> (e.g. dynamodb:http://127.0.0.1:8000), not \"{text}\".");
    }
}
