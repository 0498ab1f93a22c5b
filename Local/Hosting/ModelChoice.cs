namespace Conduit.Local.Hosting;

/// <summary>Which model serves the local stack: the offline stand-in, Bedrock, or an OpenAI-compatible server.</summary>
public abstract record ModelChoice
{
    public static ModelChoice Offline { get; } = new OfflineModel();

    /// <summary>Reads <c>offline</c>, <c>bedrock:&lt;modelId&gt;</c> or <c>openai:&lt;baseUrl&gt;#&lt;model&gt;</c>.</summary>
    public static ModelChoice Parse(string text)
    {
        if (text == "offline") return Offline;
        if (text.StartsWith("bedrock:", StringComparison.Ordinal) && text.Length > "bedrock:".Length)
            return new BedrockModel(text["bedrock:".Length..]);
        if (text.StartsWith("openai:", StringComparison.Ordinal))
        {
            var spec = text["openai:".Length..];
            var hash = spec.LastIndexOf('#');
            if (hash > 0 && hash < spec.Length - 1
                && Uri.TryCreate(spec[..hash], UriKind.Absolute, out var baseUrl) && baseUrl.Scheme is "http" or "https")
                return new OpenAiModel(baseUrl, spec[(hash + 1)..]);
        }
        throw new ArgumentException(
            "--model takes offline, bedrock:<modelId> or openai:<baseUrl>#<model> (e.g. openai:http://127.0.0.1:11434/v1#llama3.2), "
            + $"not \"{text}\".");
    }
}
