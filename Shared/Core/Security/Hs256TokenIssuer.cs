using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Conduit.Core.Security;

/// <summary>Issues HS256 tokens that <see cref="JwtValidator"/> with a <see cref="SymmetricKeySource"/> of the same key accepts.</summary>
public sealed class Hs256TokenIssuer
{
    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    private readonly byte[] _key;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    public Hs256TokenIssuer(byte[] key, string issuer, string audience, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        ArgumentNullException.ThrowIfNull(time);
        if (key.Length < JwtKey.MinimumHs256SecretBytes)
            throw new ArgumentException($"An HS256 key needs at least {JwtKey.MinimumHs256SecretBytes} bytes.", nameof(key));

        _key = [.. key];
        _issuer = issuer;
        _audience = audience;
        _time = time;
    }

    /// <summary>A fresh random key of <see cref="JwtKey.MinimumHs256SecretBytes"/> bytes, the HS256 hash size.</summary>
    public static byte[] CreateKey() => RandomNumberGenerator.GetBytes(JwtKey.MinimumHs256SecretBytes);

    /// <summary>
    /// A token for <paramref name="subject"/>, valid from now for <paramref name="lifetime"/> rounded up to whole seconds,
    /// with a <c>roles</c> claim when <paramref name="roles"/> names any.
    /// </summary>
    public string Issue(string subject, TimeSpan lifetime, IReadOnlyList<string>? roles = null)
    {
        if (!JwtSubject.IsUsable(subject))
        {
            throw new ArgumentException(
                $"A subject is a non-blank printable string of at most {JwtSubject.MaxLength} characters.", nameof(subject));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);

        var issuedAt = _time.GetUtcNow().ToUnixTimeSeconds();
        var payload = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss", _issuer);
            json.WriteString("aud", _audience);
            json.WriteString("sub", subject);
            json.WriteNumber("iat", issuedAt);
            json.WriteNumber("exp", issuedAt + (long)Math.Ceiling(lifetime.TotalSeconds));
            if (roles is { Count: > 0 })
            {
                json.WriteStartArray("roles");
                foreach (var role in roles) json.WriteStringValue(role);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }

        var signingInput = $"{EncodedHeader}.{Base64Url.EncodeToString(payload.WrittenSpan)}";
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }
}
