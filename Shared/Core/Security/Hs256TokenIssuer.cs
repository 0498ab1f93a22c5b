using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

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
        var payload = JwtClaims.Payload(_issuer, _audience, subject, _time.GetUtcNow(), lifetime, roles);
        var signingInput = $"{EncodedHeader}.{Base64Url.EncodeToString(payload)}";
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }
}
