using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Conduit.Core.Security;

namespace Conduit.Tests.Support;

/// <summary>Builds tokens and JWK Sets by hand, so tests can sign exactly the header and payload bytes they mean.</summary>
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

    public static string Claims(string subject = "user-1", long? expiresIn = 300, long? notBeforeIn = null, string issuer = Issuer, string audienceJson = $"\"{Audience}\"")
    {
        var members = new List<string> { $"\"iss\":\"{issuer}\"", $"\"aud\":{audienceJson}", $"\"sub\":\"{subject}\"", $"\"iat\":{NowSeconds}" };
        if (expiresIn is { } exp) members.Add($"\"exp\":{NowSeconds + exp}");
        if (notBeforeIn is { } nbf) members.Add($"\"nbf\":{NowSeconds + nbf}");
        return "{" + string.Join(",", members) + "}";
    }

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
        Signed(Segment(header), Segment(payload), input => ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    public static string RsaJwk(RSA rsa, string kid, string extraMembers = "")
    {
        var key = rsa.ExportParameters(false);
        return $$"""{"kty":"RSA","kid":"{{kid}}","use":"sig","alg":"RS256","n":"{{Base64Url.EncodeToString(key.Modulus)}}","e":"{{Base64Url.EncodeToString(key.Exponent)}}"{{extraMembers}}}""";
    }

    public static string EcJwk(ECDsa ecdsa, string kid, string crv = "P-256")
    {
        var key = ecdsa.ExportParameters(false);
        return $$"""{"kty":"EC","kid":"{{kid}}","use":"sig","crv":"{{crv}}","x":"{{Base64Url.EncodeToString(key.Q.X)}}","y":"{{Base64Url.EncodeToString(key.Q.Y)}}"}""";
    }

    public static string Jwks(params string[] keys) => $$"""{"keys":[{{string.Join(",", keys)}}]}""";

    private static string Signed(string headerSegment, string payloadSegment, Func<byte[], byte[]> sign)
    {
        var signingInput = $"{headerSegment}.{payloadSegment}";
        return $"{signingInput}.{Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }
}
