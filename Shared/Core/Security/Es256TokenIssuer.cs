using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Core.Security;

/// <summary>
/// Issues ES256 tokens under a key id, and publishes the public key as a JWK Set, so a validator that reads keys from a
/// JWKS URL (as deployed functions do) accepts them.
/// </summary>
public sealed class Es256TokenIssuer : IDisposable
{
    private readonly ECDsa _key;
    private readonly string _kid;
    private readonly string _encodedHeader;
    private readonly string _issuer;
    private readonly string _audience;
    private readonly TimeProvider _time;

    /// <param name="pkcs8">A P-256 private key in PKCS#8 form, as <see cref="CreateKey"/> makes one.</param>
    public Es256TokenIssuer(byte[] pkcs8, string issuer, string audience, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(pkcs8);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuer);
        ArgumentException.ThrowIfNullOrWhiteSpace(audience);
        ArgumentNullException.ThrowIfNull(time);
        _key = ECDsa.Create();
        _key.ImportPkcs8PrivateKey(pkcs8, out _);
        if (_key.KeySize != 256) throw new ArgumentException("An ES256 key is a P-256 key.", nameof(pkcs8));
        // The key id names the key itself, so a validator that cached an older key of the same issuer refetches.
        _kid = Base64Url.EncodeToString(SHA256.HashData(_key.ExportSubjectPublicKeyInfo())[..12]);
        _encodedHeader = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            new JsonObject { ["alg"] = JwtAlgorithms.Es256, ["typ"] = "JWT", ["kid"] = _kid }.ToJsonString()));
        _issuer = issuer;
        _audience = audience;
        _time = time;
    }

    public static byte[] CreateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKey();
    }

    /// <summary>The public key as <see cref="JwtValidator"/> verifies with it.</summary>
    public JwtKey PublicKey
    {
        get
        {
            var point = _key.ExportParameters(includePrivateParameters: false).Q;
            return JwtKey.Es256(point.X, point.Y, _kid);
        }
    }

    /// <summary>The JWK Set (RFC 7517 §5) holding the public key.</summary>
    public string JwkSet()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["kid"] = _kid,
                ["use"] = "sig",
                ["alg"] = JwtAlgorithms.Es256,
                ["crv"] = "P-256",
                ["x"] = Base64Url.EncodeToString(point.X),
                ["y"] = Base64Url.EncodeToString(point.Y),
            }),
        }.ToJsonString();
    }

    /// <summary>A token for <paramref name="subject"/>; see <see cref="JwtClaims.Payload"/>.</summary>
    public string Issue(string subject, TimeSpan lifetime, IReadOnlyList<string>? roles = null)
    {
        var payload = JwtClaims.Payload(_issuer, _audience, subject, _time.GetUtcNow(), lifetime, roles);
        var signingInput = $"{_encodedHeader}.{Base64Url.EncodeToString(payload)}";
        var signature = _key.SignData(
            Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose() => _key.Dispose();
}
