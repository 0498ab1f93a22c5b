using System.Text.RegularExpressions;

namespace Conduit.Local.Hosting;

/// <summary>Which model serves the local stack: the offline stand-in, Bedrock, or an OpenAI-compatible server.</summary>
public abstract record ModelChoice
{
    public static ModelChoice Offline { get; } = new OfflineModel();

    /// <summary>Reads <c>offline</c>, <c>bedrock:&lt;modelId&gt;</c> or <c>openai:&lt;baseUrl&gt;#&lt;model&gt;</c>.</summary>
    public static ModelChoice Parse(string text)
    {
        if (text == "offline") return Offline;
        if (text.StartsWith("bedrock:", StringComparison.Ordinal) && text.Length > "bedrock:".Length) return new BedrockModel(text["bedrock:".Length..]);
        if (text.StartsWith("openai:", StringComparison.Ordinal))
        {
            var spec = text["openai:".Length..];
            var hash = spec.LastIndexOf('#');
            if (hash > 0 && hash < spec.Length - 1
                && Uri.TryCreate(spec[..hash], UriKind.Absolute, out var baseUrl) && baseUrl.Scheme is "http" or "https")
                return new OpenAiModel(baseUrl, spec[(hash + 1)..]);
        }
        throw new ArgumentException($"--model takes offline, bedrock:<modelId> or openai:<baseUrl>#<model> (e.g. openai:http://127.0.0.1:11434/v1#llama3.2), not \"{text}\".");
    }
}

public sealed record OfflineModel : ModelChoice;

public sealed record BedrockModel(string ModelId) : ModelChoice;

public sealed record OpenAiModel(Uri BaseUrl, string Model) : ModelChoice;

/// <summary>Which knowledge base kb_lookup searches: a local Markdown folder (BM25), or a Bedrock knowledge base.</summary>
public abstract partial record KnowledgeBaseChoice
{
    /// <summary>Reads <c>bedrock:&lt;knowledgeBaseId&gt;</c> (the 10-character id) or a Markdown folder.</summary>
    public static KnowledgeBaseChoice Parse(string text)
    {
        if (!text.StartsWith("bedrock:", StringComparison.Ordinal)) return new LocalKnowledgeBase(text);
        var id = text["bedrock:".Length..];
        return KnowledgeBaseId().IsMatch(id)
            ? new BedrockKnowledgeBaseChoice(id)
            : throw new ArgumentException($"--kb bedrock:<knowledgeBaseId> takes the 10-letter-or-digit id, not \"{id}\".");
    }

    [GeneratedRegex("^[0-9a-zA-Z]{10}$")]
    private static partial Regex KnowledgeBaseId();
}

/// <summary>A folder of Markdown; null means the repository's docs/.</summary>
public sealed record LocalKnowledgeBase(string? Folder) : KnowledgeBaseChoice;

public sealed record BedrockKnowledgeBaseChoice(string KnowledgeBaseId) : KnowledgeBaseChoice;

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
        throw new ArgumentException($"--store takes sqlite, dynamodb or dynamodb:<endpoint> (e.g. dynamodb:http://127.0.0.1:8000), not \"{text}\".");
    }
}

public sealed record SqliteStore : StoreChoice;

/// <summary>With an endpoint (a local DynamoDB-compatible server) missing tables are created at start-up.</summary>
public sealed record DynamoDbStore(Uri? Endpoint) : StoreChoice;

/// <summary>How connections are authenticated: the development issuer, or real tokens from an issuer's JWKS.</summary>
public abstract record AuthChoice
{
    public static AuthChoice Development { get; } = new DevelopmentAuth();

    /// <summary>Reads <c>dev</c> or <c>jwks:&lt;url&gt;</c>; a JWKS also needs the issuer and audience options.</summary>
    public static AuthChoice Parse(string text)
    {
        if (text == "dev") return Development;
        if (text.StartsWith("jwks:", StringComparison.Ordinal)
            && Uri.TryCreate(text["jwks:".Length..], UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return new JwksAuth(url, Issuer: "", Audience: "");
        throw new ArgumentException($"--auth takes dev or jwks:<url> (e.g. jwks:https://cognito-idp.eu-west-1.amazonaws.com/<pool>/.well-known/jwks.json), not \"{text}\".");
    }
}

public sealed record DevelopmentAuth : AuthChoice;

public sealed record JwksAuth(Uri JwksUrl, string Issuer, string Audience) : AuthChoice;
