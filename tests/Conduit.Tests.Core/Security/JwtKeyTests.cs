using System.Security.Cryptography;
using Conduit.Core.Security;

namespace Conduit.Tests.Core.Security;

public sealed class JwtKeyTests
{
    [Fact]
    public void Hs256_SecretShorterThan32Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => JwtKey.Hs256(new byte[31]));
    }

    [Fact]
    public void Rs256_ModulusOf1024Bits_Throws()
    {
        using var rsa = RSA.Create(1024);
        var key = rsa.ExportParameters(false);

        Assert.Throws<ArgumentException>(() => JwtKey.Rs256(key.Modulus, key.Exponent));
    }

    [Fact]
    public void Rs256_ModulusWithALeadingZeroOctet_IsAcceptedAt2048Bits()
    {
        using var rsa = RSA.Create(2048);
        var key = rsa.ExportParameters(false);

        var jwtKey = JwtKey.Rs256([0, .. key.Modulus!], key.Exponent, "rsa-1");

        Assert.Equal(JwtAlgorithms.Rs256, jwtKey.Algorithm);
        Assert.Equal("rsa-1", jwtKey.Kid);
    }

    [Theory]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 1 })]
    public void Rs256_ExponentEvenOneOrLongerThan4Bytes_Throws(byte[] exponent)
    {
        using var rsa = RSA.Create(2048);

        Assert.Throws<ArgumentException>(() => JwtKey.Rs256(rsa.ExportParameters(false).Modulus, exponent));
    }

    [Fact]
    public void Es256_PointOffTheCurve_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ecdsa.ExportParameters(false).Q;
        q.Y![^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => JwtKey.Es256(q.X, q.Y));
    }

    [Fact]
    public void Es256_CoordinatesOfAP384Key_Throw()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var q = ecdsa.ExportParameters(false).Q;

        Assert.Throws<ArgumentException>(() => JwtKey.Es256(q.X, q.Y));
    }
}
