using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Conduit.Local.Edge;

/// <summary>
/// Checks AWS Signature Version 4 on a request as AWS does: the Authorization header's form, <c>x-amz-date</c> within
/// 15 minutes of now, the credential scope's date, and, when the verifier knows a secret, the signature recomputed
/// here over the request as received (method, raw path, query, the signed headers, the body's SHA-256).
/// </summary>
/// <remarks>
/// Three strictnesses, one check: the gateway's (one key, one region, <c>execute-api</c>), the edge's with
/// <c>--aws-credentials</c> (one key; the region is the client's, the service the one the request is for) and the
/// edge's default, which accepts any well-formed signature because no secret is known to recompute it with.
/// </remarks>
public sealed class SigV4Verifier
{
    public const string ExecuteApiService = "execute-api";
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    private const string DateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private readonly string? _accessKeyId;
    private readonly string? _secretAccessKey;
    private readonly string? _region;
    private readonly string? _service;
    private readonly TimeProvider _time;

    /// <summary>Only this key, signing for this region and <c>execute-api</c>: the @connections API's caller.</summary>
    public SigV4Verifier(string accessKeyId, string secretAccessKey, string region, TimeProvider time)
        : this(accessKeyId, secretAccessKey, region, ExecuteApiService, time)
    {
    }

    private SigV4Verifier(string? accessKeyId, string? secretAccessKey, string? region, string? service, TimeProvider time)
    {
        _accessKeyId = accessKeyId;
        _secretAccessKey = secretAccessKey;
        _region = region;
        _service = service;
        _time = time;
    }

    /// <summary>Any access key, any region and service in the scope: the signature's form and date are all that is checked.</summary>
    public static SigV4Verifier AcceptingAnyCredentials(TimeProvider time) => new(null, null, null, null, time);

    /// <summary>Only this key, with its signature verified; the region is whichever the client signed for.</summary>
    public static SigV4Verifier ForCredentials(string accessKeyId, string secretAccessKey, TimeProvider time) =>
        new(accessKeyId, secretAccessKey, null, null, time);

    /// <summary>True when any credentials are accepted, so a signature's value is never checked.</summary>
    public bool AcceptsAnyCredentials => _secretAccessKey is null;

    /// <summary>Every check that needs no body, so an unsigned or stale request is refused before its body is read.</summary>
    /// <param name="service">The signing name the request is for, when the verifier was not made for one service.</param>
    public SignatureRefusal? Precheck(HttpRequest request, string? service = null) => Read(request, service, out _);

    /// <summary>Null when the request carries a valid signature by this gateway's key over exactly <paramref name="body"/>.</summary>
    public SignatureRefusal? Verify(HttpRequest request, ReadOnlySpan<byte> body, string? service = null)
    {
        if (Read(request, service, out var authorization) is { } refusal) return refusal;
        if (_secretAccessKey is null) return null;
        var payloadHash = Hex(SHA256.HashData(body));
        if (request.Headers["x-amz-content-sha256"] is { Count: > 0 } claimed && claimed.ToString() != payloadHash)
            return SignatureRefusal.Invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");

        var canonicalRequest = string.Join('\n',
            request.Method,
            CanonicalPath(request),
            CanonicalQuery(request),
            string.Concat(authorization.SignedHeaders.Select(name => $"{name}:{CanonicalHeaderValue(request, name)}\n")),
            string.Join(';', authorization.SignedHeaders),
            payloadHash);
        var stringToSign = string.Join('\n',
            Algorithm, authorization.AmzDate, authorization.Scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var expected = Encoding.ASCII.GetBytes(
            Hex(HMACSHA256.HashData(SigningKey(_secretAccessKey, authorization.CredentialScope), Encoding.UTF8.GetBytes(stringToSign))));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(authorization.Signature))
            ? null
            : SignatureRefusal.Mismatch;
    }

    private SignatureRefusal? Read(HttpRequest request, string? requestService, out Authorization authorization)
    {
        authorization = default;
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0) return SignatureRefusal.Missing;
        if (!header.StartsWith(Algorithm + " ", StringComparison.Ordinal))
            return SignatureRefusal.Incomplete($"Authorization header must use the {Algorithm} algorithm.");

        var parts = header[(Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders)
            || !parts.TryGetValue("Signature", out var signature) || signature.Length == 0)
            return SignatureRefusal.Incomplete("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
        var amzDate = request.Headers["x-amz-date"].ToString();
        if (!DateTimeOffset.TryParseExact(
                amzDate, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
            return SignatureRefusal.Incomplete("Authorization header requires existence of a valid 'X-Amz-Date' header.");

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[4] != "aws4_request")
            return SignatureRefusal.Incomplete("Credential must have the form <key id>/<date>/<region>/<service>/aws4_request.");
        if (_accessKeyId is not null)
        {
            if (!FixedTimeEquals(scope[0], _accessKeyId)) return SignatureRefusal.UnrecognizedClient;
            if (request.Headers.ContainsKey("x-amz-security-token")) return SignatureRefusal.UnrecognizedClient;
        }

        var now = _time.GetUtcNow();
        if (signedAt < now - MaxSkew)
        {
            return SignatureRefusal.Invalid(
                $"Signature expired: {amzDate} is now earlier than {Format(now - MaxSkew)} ({Format(now)} - 15 min.)");
        }
        if (signedAt > now + MaxSkew)
        {
            return SignatureRefusal.Invalid(
                $"Signature not yet current: {amzDate} is still later than {Format(now + MaxSkew)} ({Format(now)} + 15 min.)");
        }
        if (scope[1] != amzDate[..8])
        {
            return SignatureRefusal.Invalid(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + $"'{scope[1]}' != '{amzDate[..8]}'");
        }
        if (_region is not null && scope[2] != _region)
            return SignatureRefusal.Invalid($"Credential should be scoped to a valid region, not '{scope[2]}'.");
        if ((_service ?? (AcceptsAnyCredentials ? null : requestService)) is { } service && scope[3] != service)
            return SignatureRefusal.Invalid($"Credential should be scoped to correct service: '{service}'.");

        var names = signedHeaders.Split(';');
        if (!names.Contains("host", StringComparer.Ordinal))
            return SignatureRefusal.Incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
        if (names.Any(n => n.Length == 0 || n != n.ToLowerInvariant() || !request.Headers.ContainsKey(n)))
            return SignatureRefusal.Incomplete("Every SignedHeaders name must be lower case and present in the request.");

        authorization = new Authorization(amzDate, scope[1..4], string.Join('/', scope[1..]), names, signature);
        return null;
    }

    /// <summary>
    /// The path as received, each segment URI-encoded once more: the canonical form AWS uses for every service but S3,
    /// so an id sent as <c>R1k%2Fx%3D</c> is signed as <c>R1k%252Fx%253D</c>.
    /// </summary>
    private static string CanonicalPath(HttpRequest request)
    {
        var path = RawTarget(request).Split('?', 2)[0];
        return string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }

    private static string CanonicalQuery(HttpRequest request)
    {
        var target = RawTarget(request).Split('?', 2);
        if (target.Length < 2 || target[1].Length == 0) return "";
        return string.Join('&', target[1].Split('&')
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (Name: Encode(pair[0]), Value: Encode(pair.Length > 1 ? pair[1] : "")))
            .OrderBy(pair => pair.Name, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => $"{pair.Name}={pair.Value}"));

        static string Encode(string raw) => Uri.EscapeDataString(Uri.UnescapeDataString(raw));
    }

    private static string CanonicalHeaderValue(HttpRequest request, string name) =>
        string.Join(',', request.Headers[name].Select(v => string.Join(' ', (v ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))));

    private static string RawTarget(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";

    /// <summary>The key derived from the secret and the scope's date, region and service, in that order.</summary>
    private static byte[] SigningKey(string secretAccessKey, string[] credentialScope)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secretAccessKey);
        foreach (var part in credentialScope.Append("aws4_request")) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        return key;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    private readonly record struct Authorization(
        string AmzDate, string[] CredentialScope, string Scope, string[] SignedHeaders, string Signature);
}
