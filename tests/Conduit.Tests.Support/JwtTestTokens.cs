using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Conduit.Core.Security;

namespace Conduit.Tests.Support;

/// <summary>
/// Builds tokens and JWK Sets by hand, so tests can sign exactly the header and payload bytes they mean, including
/// the shapes no honest issuer produces (alg none, a foreign kid, a flipped bit).
/// </summary>
public static class JwtTestTokens
{
    public const string Issuer = "https://auth.conduit.test/";
    public const string Audience = "conduit-websocket";
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly long NowSeconds = Now.ToUnixTimeSeconds();

    public static ManualTimeProvider Clock() => new(Now);

    public static JwtValidatorOptions Options(TimeProvider time, params string[] algorithms) => new()
    {
        Issuer = Issuer,
        Audience = Audience,
        AllowedAlgorithms = algorithms,
        Time = time,
    };

    public static string Claims(
        string subject = "user-1", long? expiresIn = 300, long? notBeforeIn = null, string issuer = Issuer,
        string audienceJson = $"\"{Audience}\"")
    {
        var members = new List<string>
        {
            $"\"iss\":\"{issuer}\"", $"\"aud\":{audienceJson}", $"\"sub\":\"{subject}\"", $"\"iat\":{NowSeconds}",
        };
        if (expiresIn is { } exp) members.Add($"\"exp\":{NowSeconds + exp}");
        if (notBeforeIn is { } nbf) members.Add($"\"nbf\":{NowSeconds + nbf}");
        return "{" + string.Join(",", members) + "}";
    }

    /// <summary>Claims against the real clock, for a token a running host is to judge.</summary>
    public static string ClaimsExpiringAt(string subject, string issuer, string audience, DateTimeOffset expires) =>
        $$"""{"sub":"{{subject}}","iss":"{{issuer}}","aud":"{{audience}}","exp":{{expires.ToUnixTimeSeconds()}}}""";

    public static string Header(string alg, string? kid = null) =>
        kid is null ? $$"""{"alg":"{{alg}}","typ":"JWT"}""" : $$"""{"alg":"{{alg}}","typ":"JWT","kid":"{{kid}}"}""";

    public static string Segment(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public static string Hs256(byte[] key, string header, string payload) =>
        Hs256Segments(key, Segment(header), Segment(payload));

    /// <summary>Signs segments as given, for headers or payloads that are not text at all.</summary>
    public static string Hs256Segments(byte[] key, string headerSegment, string payloadSegment) =>
        Signed(headerSegment, payloadSegment, input => HMACSHA256.HashData(key, input));

    public static string Rs256(RSA rsa, string header, string payload) =>
        Signed(Segment(header), Segment(payload), input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static string Es256(ECDsa ecdsa, string header, string payload) =>
        Signed(Segment(header), Segment(payload),
            input => ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>alg none with an empty signature.</summary>
    public static string Unsigned(string payload) => $"{Segment(Header("none"))}.{Segment(payload)}.";

    /// <summary>The same token with one signature character changed: the signature no longer matches.</summary>
    public static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

    public static string RsaJwk(RSA rsa, string kid, string extraMembers = "")
    {
        var key = rsa.ExportParameters(false);
        var (n, e) = (Base64Url.EncodeToString(key.Modulus), Base64Url.EncodeToString(key.Exponent));
        return $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","alg":"RS256","n":"{{n}}","e":"{{e}}"{{extraMembers}}}""";
    }

    public static string EcJwk(ECDsa ecdsa, string kid, string crv = "P-256")
    {
        var key = ecdsa.ExportParameters(false);
        var (x, y) = (Base64Url.EncodeToString(key.Q.X), Base64Url.EncodeToString(key.Q.Y));
        return $$"""{"kty":"EC","kid":"{{kid}}","use":"sig","crv":"{{crv}}","x":"{{x}}","y":"{{y}}"}""";
    }

    public static string Jwks(params string[] keys) => $$"""{"keys":[{{string.Join(",", keys)}}]}""";

    private static string Signed(string headerSegment, string payloadSegment, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{headerSegment}.{payloadSegment}";
        return $"{signingInput}.{Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
