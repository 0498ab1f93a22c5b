using System.Security.Cryptography;
using System.Text;

namespace Conduit.Tests.EndToEnd.Support;

/// <summary>Hand-made JWTs, for the shapes no honest issuer produces (alg none, a foreign kid, a flipped bit).</summary>
public static class Tokens
{
    public static string Hs256(byte[] key, string headerJson, string payloadJson)
    {
        var signingInput = $"{Encode(headerJson)}.{Encode(payloadJson)}";
        return $"{signingInput}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput)))}";
    }

    public static string Unsigned(string payloadJson) => $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode(payloadJson)}.";

    public static string Claims(string subject, string issuer, string audience, DateTimeOffset expires) =>
        $$"""{"sub":"{{subject}}","iss":"{{issuer}}","aud":"{{audience}}","exp":{{expires.ToUnixTimeSeconds()}}}""";

    /// <summary>The same token with one signature character changed: the signature no longer matches.</summary>
    public static string Tampered(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

    private static string Encode(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
