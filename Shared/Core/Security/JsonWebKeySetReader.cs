using System.Security.Cryptography;
using System.Text.Json;

namespace Conduit.Core.Security;

/// <summary>
/// Reads a JWK Set (RFC 7517 §5) into the signature keys this service can use: RSA (RS256) and EC P-256 (ES256) keys
/// meant for signatures. Any other key, or one whose parameters do not make a sound key, is left out and counted.
/// </summary>
public static class JsonWebKeySetReader
{
    /// <exception cref="InvalidDataException">The document is not a JSON object with a <c>keys</c> array.</exception>
    public static (JwtKeySet Keys, int Ignored) Read(ReadOnlyMemory<byte> document)
    {
        try
        {
            using var json = JsonDocument.Parse(document, StrictJson.Options);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("keys", out var keys)
                || keys.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException("The JWKS document is not an object with a keys array.");

            var usable = new List<JwtKey>();
            var ignored = 0;
            foreach (var jwk in keys.EnumerateArray())
            {
                if (ReadKey(jwk) is { } key) usable.Add(key);
                else ignored++;
            }

            return (new JwtKeySet(usable), ignored);
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException("The JWKS document is not valid JSON.", exception);
        }
    }

    private static JwtKey? ReadKey(JsonElement jwk)
    {
        if (jwk.ValueKind != JsonValueKind.Object) return null;
        try
        {
            if (!StrictJson.TryGetOptionalString(jwk, "kid", out var kid)
                || !StrictJson.TryGetOptionalString(jwk, "use", out var use) || use is not (null or "sig")
                || !StrictJson.TryGetOptionalString(jwk, "alg", out var alg)
                || !AllowsVerify(jwk))
                return null;

            return GetString(jwk, "kty") switch
            {
                "RSA" when alg is (null or JwtAlgorithms.Rs256)
                    && TryGetBytes(jwk, "n", out var modulus) && TryGetBytes(jwk, "e", out var exponent) =>
                    JwtKey.Rs256(modulus, exponent, kid),
                "EC" when alg is (null or JwtAlgorithms.Es256) && GetString(jwk, "crv") == "P-256"
                    && TryGetBytes(jwk, "x", out var x) && TryGetBytes(jwk, "y", out var y) =>
                    JwtKey.Es256(x, y, kid),
                _ => null,
            };
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>RFC 7517 §4.3: a key whose <c>key_ops</c> are given may verify only if "verify" is among them.</summary>
    private static bool AllowsVerify(JsonElement jwk)
    {
        if (!jwk.TryGetProperty("key_ops", out var operations)) return true;
        return operations.ValueKind == JsonValueKind.Array
            && operations.EnumerateArray().Any(op => op.ValueKind == JsonValueKind.String && op.ValueEquals("verify"));
    }

    private static string? GetString(JsonElement jwk, string name) =>
        jwk.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryGetBytes(JsonElement jwk, string name, out byte[] bytes)
    {
        bytes = [];
        return GetString(jwk, name) is { } encoded && Base64UrlStrict.TryDecode(encoded, out bytes);
    }
}
