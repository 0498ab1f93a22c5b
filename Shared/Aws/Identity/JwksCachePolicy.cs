namespace Conduit.Aws.Identity;

/// <summary>How long a JWK Set is trusted and how hard its endpoint may be hit.</summary>
public sealed record JwksCachePolicy
{
    /// <summary>After this the set is fetched again; if that fails the old set keeps serving.</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The least time between two fetches, successful or not. Tokens with unknown kids are free to forge, so this is what
    /// keeps them from turning into a flood of requests to the identity provider.
    /// </summary>
    public TimeSpan MinimumRefetchInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Bounds one fetch, which callers validating a token wait on.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int MaxDocumentBytes { get; init; } = 256 * 1024;
}
