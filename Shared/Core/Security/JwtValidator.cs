using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Conduit.Core.Security;

/// <summary>
/// Validates compact JWS tokens (RFC 7519 with RFC 8725's hardening): signature first, then the claims. It never
/// throws for any token string; every refusal is a <see cref="JwtValidation"/> with a <see cref="JwtFailureCodes"/> code.
/// </summary>
public sealed class JwtValidator
{
    public const int MaxTokenLength = 8 * 1024;
    private const int MaxKidLength = 256;

    /// <summary>The largest NumericDate accepted (9999-12-31T23:59:59Z), so every one converts to a <see cref="DateTimeOffset"/>.</summary>
    private const double MaxNumericDate = 253_402_300_799;

    private readonly IJwtKeySource _keys;
    private readonly JwtValidatorOptions _options;
    private readonly FrozenSet<string> _allowedAlgorithms;

    public JwtValidator(IJwtKeySource keys, JwtValidatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Audience);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ClockSkew, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(options.Time);
        if (options.AllowedAlgorithms.Count == 0 || !options.AllowedAlgorithms.All(JwtAlgorithms.IsSupported))
            throw new ArgumentException("Allowed algorithms must be a non-empty subset of HS256, RS256 and ES256.", nameof(options));

        _keys = keys;
        _options = options;
        _allowedAlgorithms = options.AllowedAlgorithms.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Validates one token. Throws only <see cref="OperationCanceledException"/>, when <paramref name="cancellationToken"/>
    /// is cancelled while the key source is loading keys.
    /// </summary>
    public async ValueTask<JwtValidation> ValidateAsync(string? token, CancellationToken cancellationToken)
    {
        var malformed = ReadCompactJws(token, out var jws);
        if (malformed is not null) return malformed;

        if (!_allowedAlgorithms.Contains(jws.Algorithm))
        {
            return jws.Algorithm.Equals("none", StringComparison.OrdinalIgnoreCase)
                ? Fail(JwtFailureCodes.UnsupportedAlgorithm, "Unsigned tokens (alg none) are refused.")
                : Fail(JwtFailureCodes.UnsupportedAlgorithm, "The token's algorithm is not accepted.");
        }

        JwtKey? key;
        try
        {
            key = await _keys.FindAsync(jws.Kid, jws.Algorithm, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Fail(JwtFailureCodes.UnknownKey, "The signing keys could not be loaded.");
        }

        if (key is null)
        {
            return Fail(
                JwtFailureCodes.UnknownKey,
                jws.Kid is null ? "No single key matches a token without a kid." : "No key matches the token's kid and algorithm.");
        }

        // A custom key source may hand back any key; the key's own algorithm decides what it may verify.
        if (key.Algorithm != jws.Algorithm)
        {
            return Fail(
                JwtFailureCodes.UnsupportedAlgorithm, $"The key found is an {key.Algorithm} key and cannot verify {jws.Algorithm}.");
        }

        if (!key.Verify(jws.SigningInput, jws.Signature))
            return Fail(JwtFailureCodes.BadSignature, "The signature does not verify.");

        return ReadClaims(jws.Payload);
    }

    /// <summary>Splits and decodes the token and reads its header; returns the failure, or null with <paramref name="jws"/> set.</summary>
    private static JwtValidation? ReadCompactJws(string? token, out CompactJws jws)
    {
        jws = default;
        if (string.IsNullOrEmpty(token)) return Fail(JwtFailureCodes.Malformed, "The token is empty.");
        if (token.Length > MaxTokenLength) return Fail(JwtFailureCodes.Malformed, $"The token is longer than {MaxTokenLength} characters.");

        var firstDot = token.IndexOf('.');
        var secondDot = firstDot < 0 ? -1 : token.IndexOf('.', firstDot + 1);
        if (secondDot < 0 || token.IndexOf('.', secondDot + 1) >= 0)
            return Fail(JwtFailureCodes.Malformed, "A token is three base64url segments separated by dots.");

        var headerSegment = token.AsSpan(0, firstDot);
        var payloadSegment = token.AsSpan(firstDot + 1, secondDot - firstDot - 1);
        if (headerSegment.IsEmpty || payloadSegment.IsEmpty
            || !Base64UrlStrict.TryDecode(headerSegment, out var header)
            || !Base64UrlStrict.TryDecode(payloadSegment, out var payload)
            || !Base64UrlStrict.TryDecode(token.AsSpan(secondDot + 1), out var signature))
            return Fail(JwtFailureCodes.Malformed, "A segment is not unpadded base64url.");

        var failure = ReadHeader(header, out var algorithm, out var kid);
        if (failure is not null) return failure;

        jws = new CompactJws(algorithm, kid, Encoding.ASCII.GetBytes(token, 0, secondDot), payload, signature);
        return null;
    }

    private static JwtValidation? ReadHeader(byte[] header, out string algorithm, out string? kid)
    {
        algorithm = "";
        kid = null;
        try
        {
            using var document = JsonDocument.Parse(header, StrictJson.Options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail(JwtFailureCodes.Malformed, "The header is not a JSON object.");
            if (!root.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String)
                return Fail(JwtFailureCodes.Malformed, "The header has no alg string.");

            // RFC 7515 §4.1.11: a token that marks an extension critical must be refused by a validator that knows none.
            if (root.TryGetProperty("crit", out _))
                return Fail(JwtFailureCodes.Malformed, "The header names critical extensions, and none are supported.");

            if (!StrictJson.TryGetOptionalString(root, "kid", out kid) || kid?.Length > MaxKidLength)
                return Fail(JwtFailureCodes.Malformed, $"The header's kid is not a string of at most {MaxKidLength} characters.");

            algorithm = alg.GetString()!;
            return null;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Fail(JwtFailureCodes.Malformed, "The header is not valid JSON in UTF-8.");
        }
    }

    private JwtValidation ReadClaims(byte[] payload)
    {
        try
        {
            using var document = JsonDocument.Parse(payload, StrictJson.Options);
            var claims = document.RootElement;
            if (claims.ValueKind != JsonValueKind.Object) return Fail(JwtFailureCodes.Malformed, "The payload is not a JSON object.");

            if (!TryReadNumericDate(claims, "exp", out var expires) || expires is null)
                return Fail(JwtFailureCodes.Malformed, "The exp claim is missing or not a NumericDate.");
            if (!TryReadNumericDate(claims, "nbf", out var notBefore))
                return Fail(JwtFailureCodes.Malformed, "The nbf claim is not a NumericDate.");
            if (!TryReadNumericDate(claims, "iat", out _))
                return Fail(JwtFailureCodes.Malformed, "The iat claim is not a NumericDate.");
            if (!StrictJson.TryGetOptionalString(claims, "iss", out var issuer))
                return Fail(JwtFailureCodes.Malformed, "The iss claim is not a string.");
            if (!StrictJson.TryGetOptionalString(claims, "sub", out var subject))
                return Fail(JwtFailureCodes.Malformed, "The sub claim is not a string.");
            if (!TryReadStrings(claims, "aud", out var audiences))
                return Fail(JwtFailureCodes.Malformed, "The aud claim is neither a string nor an array of strings.");
            if (!TryReadStrings(claims, "roles", out var roles))
                return Fail(JwtFailureCodes.Malformed, "The roles claim is neither a string nor an array of strings.");

            var now = _options.Time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            var skew = _options.ClockSkew.TotalSeconds;
            if (now >= expires.Value + skew) return Fail(JwtFailureCodes.Expired, "The token has expired.");
            if (notBefore is not null && now + skew < notBefore.Value)
                return Fail(JwtFailureCodes.NotYetValid, "The token is not valid yet (nbf).");
            if (!string.Equals(issuer, _options.Issuer, StringComparison.Ordinal))
                return Fail(JwtFailureCodes.WrongIssuer, "The token was issued by another issuer.");
            if (!audiences.Contains(_options.Audience, StringComparer.Ordinal))
                return Fail(JwtFailureCodes.WrongAudience, "The token is meant for another audience.");
            if (!JwtSubject.IsUsable(subject))
            {
                return Fail(
                    JwtFailureCodes.MissingSubject,
                    $"The sub claim is missing, blank, longer than {JwtSubject.MaxLength} characters or not printable.");
            }

            var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(expires.Value * 1000));
            return JwtValidation.Success(new JwtPrincipal(subject!, _options.Issuer, _options.Audience, expiresAt) { Roles = roles });
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Fail(JwtFailureCodes.Malformed, "The payload is not valid JSON in UTF-8.");
        }
    }

    /// <summary>False when the claim is there but is not a NumericDate; true with null when it is absent.</summary>
    private static bool TryReadNumericDate(JsonElement claims, string name, out double? seconds)
    {
        seconds = null;
        if (!claims.TryGetProperty(name, out var value)) return true;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number)
            || number is < 0 or > MaxNumericDate)
            return false;
        seconds = number;
        return true;
    }

    /// <summary>A claim that is one string or an array of strings (RFC 7519's form for aud); empty when absent.</summary>
    private static bool TryReadStrings(JsonElement claims, string name, out List<string> strings)
    {
        strings = [];
        if (!claims.TryGetProperty(name, out var value)) return true;
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                strings.Add(value.GetString()!);
                return true;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String) return false;
                    strings.Add(item.GetString()!);
                }

                return true;
            default:
                return false;
        }
    }

    private static JwtValidation Fail(string code, string message) => JwtValidation.Failure(code, message);

    private readonly record struct CompactJws(string Algorithm, string? Kid, byte[] SigningInput, byte[] Payload, byte[] Signature);
}
