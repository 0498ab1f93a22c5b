using System.Net;
using Conduit.Core.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Conduit.Aws.Identity;

/// <summary>
/// The signature keys an identity provider publishes as a JWK Set. The set is cached; a token whose key is not in it
/// triggers one refetch (rotation), within <see cref="JwksCachePolicy.MinimumRefetchInterval"/>. When the endpoint
/// fails, the cached set keeps serving, and with none cached every lookup finds no key.
/// </summary>
public sealed class JwksKeySource : IJwtKeySource
{
    private readonly HttpClient _http;
    private readonly Uri _jwksUrl;
    private readonly TimeProvider _time;
    private readonly JwksCachePolicy _policy;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _fetchGate = new(1, 1);
    private volatile CachedKeys? _cached;
    private DateTimeOffset? _lastFetchStartedAt;

    public JwksKeySource(HttpClient http, Uri jwksUrl, TimeProvider time, ILogger<JwksKeySource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(jwksUrl);
        ArgumentNullException.ThrowIfNull(time);
        if (!jwksUrl.IsAbsoluteUri) throw new ArgumentException("The JWKS URL must be absolute.", nameof(jwksUrl));

        _http = http;
        _jwksUrl = jwksUrl;
        _time = time;
        _policy = new JwksCachePolicy();
        _logger = logger ?? NullLogger<JwksKeySource>.Instance;
    }

    public async ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is null || _time.GetUtcNow() - cached.FetchedAt >= _policy.CacheDuration)
            cached = await RefreshAsync(cached, cancellationToken).ConfigureAwait(false);

        if (cached?.Keys.Find(kid, alg) is { } key) return key;

        var refreshed = await RefreshAsync(cached, cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(refreshed, cached) ? null : refreshed?.Keys.Find(kid, alg);
    }

    /// <summary>
    /// Fetches the set unless another caller replaced <paramref name="seen"/> meanwhile or the last fetch was too recent;
    /// returns whatever set is cached afterwards.
    /// </summary>
    private async ValueTask<CachedKeys?> RefreshAsync(CachedKeys? seen, CancellationToken cancellationToken)
    {
        await _fetchGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var startedAt = _time.GetUtcNow();
            if (!ReferenceEquals(_cached, seen)
                || startedAt - _lastFetchStartedAt < _policy.MinimumRefetchInterval)
                return _cached;

            try
            {
                var (keys, ignored) = await FetchAsync(cancellationToken).ConfigureAwait(false);
                _cached = new CachedKeys(keys, startedAt);
                if (ignored > 0)
                    IdentityLog.UnusableKeysIgnored(_logger, _jwksUrl, ignored);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                IdentityLog.FetchFailed(_logger, exception, _jwksUrl, _cached?.Keys.Count ?? 0);
            }

            _lastFetchStartedAt = startedAt;
            return _cached;
        }
        finally
        {
            _fetchGate.Release();
        }
    }

    private async Task<(JwtKeySet Keys, int Ignored)> FetchAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_policy.FetchTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, _jwksUrl);
        request.Headers.Accept.ParseAdd("application/jwk-set+json");
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new HttpRequestException($"The JWKS endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
        if (response.Content.Headers.ContentLength > _policy.MaxDocumentBytes)
            throw new InvalidDataException($"The JWKS document is larger than {_policy.MaxDocumentBytes} bytes.");

        var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var document = new byte[_policy.MaxDocumentBytes + 1];
            var length = 0;
            int read;
            while ((read = await body.ReadAsync(document.AsMemory(length), linked.Token).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > _policy.MaxDocumentBytes)
                    throw new InvalidDataException($"The JWKS document is larger than {_policy.MaxDocumentBytes} bytes.");
            }

            return JsonWebKeySetReader.Read(document.AsMemory(0, length));
        }
    }

    private sealed record CachedKeys(JwtKeySet Keys, DateTimeOffset FetchedAt);
}
