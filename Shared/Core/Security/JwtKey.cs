using System.Security.Cryptography;

namespace Conduit.Core.Security;

/// <summary>
/// A public key or shared secret bound to exactly one JWS algorithm, so a token can only be verified with the kind of
/// key its algorithm names: an RSA or EC public key is never used as an HMAC secret, nor the reverse.
/// </summary>
public sealed class JwtKey
{
    public const int MinimumHs256SecretBytes = 32;
    public const int MinimumRsaBits = 2048;
    public const int MaximumRsaBits = 8192;
    private const int P256CoordinateBytes = 32;

    private readonly byte[] _secret;
    private readonly RSAParameters _rsa;
    private readonly ECParameters _ec;

    private JwtKey(string algorithm, string? kid, byte[]? secret = null, RSAParameters rsa = default, ECParameters ec = default)
    {
        Algorithm = algorithm;
        Kid = kid;
        _secret = secret ?? [];
        _rsa = rsa;
        _ec = ec;
    }

    public string Algorithm { get; }

    public string? Kid { get; }

    public static JwtKey Hs256(ReadOnlySpan<byte> secret, string? kid = null)
    {
        if (secret.Length < MinimumHs256SecretBytes)
        {
            throw new ArgumentException(
                $"An HS256 secret needs at least {MinimumHs256SecretBytes} bytes (RFC 7518 §3.2).", nameof(secret));
        }
        return new JwtKey(JwtAlgorithms.Hs256, kid, secret: secret.ToArray());
    }

    /// <summary>An RSA public key from its big-endian modulus and exponent (the JWK <c>n</c> and <c>e</c>).</summary>
    public static JwtKey Rs256(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent, string? kid = null)
    {
        modulus = modulus.TrimStart((byte)0);
        exponent = exponent.TrimStart((byte)0);
        var bits = modulus.IsEmpty ? 0 : modulus.Length * 8 - (int.LeadingZeroCount(modulus[0]) - 24);
        if (bits is < MinimumRsaBits or > MaximumRsaBits)
        {
            throw new ArgumentException(
                $"An RS256 modulus must have {MinimumRsaBits} to {MaximumRsaBits} bits; this one has {bits}.", nameof(modulus));
        }
        if (exponent.IsEmpty || exponent.Length > 4 || (exponent[^1] & 1) == 0 || exponent is [1])
            throw new ArgumentException("An RSA public exponent must be odd, greater than 1 and at most 4 bytes.", nameof(exponent));

        var parameters = new RSAParameters { Modulus = modulus.ToArray(), Exponent = exponent.ToArray() };
        var key = new JwtKey(JwtAlgorithms.Rs256, kid, rsa: parameters);
        using var imported = key.CreateRsa(); // importing is what refuses parameters the crypto library cannot use
        return key;
    }

    /// <summary>A P-256 public key from its affine coordinates (the JWK <c>x</c> and <c>y</c>); a point off the curve is refused.</summary>
    public static JwtKey Es256(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, string? kid = null)
    {
        if (x.Length != P256CoordinateBytes || y.Length != P256CoordinateBytes)
            throw new ArgumentException($"P-256 coordinates are {P256CoordinateBytes} bytes each.", nameof(x));

        var key = new JwtKey(JwtAlgorithms.Es256, kid, ec: new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = x.ToArray(), Y = y.ToArray() },
        });
        using var imported = key.CreateEcdsa(); // importing is what refuses a point off the curve
        return key;
    }

    /// <summary>
    /// Checks a signature over the JWS signing input. RSA and ECDsa objects are made per call because their instances
    /// are not documented as thread-safe, and a key rotated out of a cache would otherwise need disposing while in use.
    /// </summary>
    internal bool Verify(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        try
        {
            switch (Algorithm)
            {
                case JwtAlgorithms.Hs256:
                    Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
                    HMACSHA256.HashData(_secret, signingInput, expected);
                    return CryptographicOperations.FixedTimeEquals(expected, signature);
                case JwtAlgorithms.Rs256:
                    if (signature.Length != _rsa.Modulus!.Length) return false;
                    using (var rsa = CreateRsa())
                        return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                case JwtAlgorithms.Es256:
                    if (signature.Length != 2 * P256CoordinateBytes) return false;
                    using (var ecdsa = CreateEcdsa())
                    {
                        return ecdsa.VerifyData(
                            signingInput, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }
                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private RSA CreateRsa() => RSA.Create(_rsa);

    private ECDsa CreateEcdsa() => ECDsa.Create(_ec);
}
