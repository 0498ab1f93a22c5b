namespace Conduit.OpenAi;

/// <summary>How <see cref="OpenAiCompatibleChatClient"/> talks to an OpenAI-compatible server.</summary>
public sealed record OpenAiCompatibleOptions
{
    /// <summary>
    /// Sent as <c>max_tokens</c> on every request unless <c>ChatOptions.MaxOutputTokens</c> is set: some servers
    /// (llama.cpp among them) otherwise generate until the context window is full.
    /// </summary>
    public int MaxTokens { get; init; } = 1024;

    /// <summary>Sent as <c>Authorization: Bearer</c> when set; local servers usually need none.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Used when <c>ChatOptions.Temperature</c> is not set; when neither is, the server's default applies.</summary>
    public float? Temperature { get; init; }

    /// <summary>
    /// Bounds the wait for the response headers and, on a stream, each wait for the next line. A non-streamed
    /// answer arrives only once it is complete, so this must cover a whole generation on the slowest model.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);
}
