using System.Buffers.Text;
using System.Text.Json;
using Conduit.Core.Security;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Core.Security;

public sealed class Hs256TokenIssuerTests
{
    [Fact]
    public void CreateKey_TwoCalls_Return32RandomBytesEach()
    {
        var first = Hs256TokenIssuer.CreateKey();
        var second = Hs256TokenIssuer.CreateKey();

        Assert.Equal(32, first.Length);
        Assert.Equal(32, second.Length);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Issue_Subject_WritesHs256HeaderAndTheRegisteredClaims()
    {
        var token = new Hs256TokenIssuer(Hs256TokenIssuer.CreateKey(), Issuer, Audience, Clock()).Issue(
            "user-7", TimeSpan.FromSeconds(90.5));

        var segments = token.Split('.');
        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[0]));
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[1]));
        Assert.Equal(3, segments.Length);
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(["iss", "aud", "sub", "iat", "exp"], claims.RootElement.EnumerateObject().Select(claim => claim.Name));
        Assert.Equal(Issuer, claims.RootElement.GetProperty("iss").GetString());
        Assert.Equal(Audience, claims.RootElement.GetProperty("aud").GetString());
        Assert.Equal("user-7", claims.RootElement.GetProperty("sub").GetString());
        Assert.Equal(NowSeconds, claims.RootElement.GetProperty("iat").GetInt64());
        Assert.Equal(NowSeconds + 91, claims.RootElement.GetProperty("exp").GetInt64());
        Assert.Equal(43, segments[2].Length);
    }

    [Fact]
    public async Task Issue_KeyOfAnotherIssuer_IsRefusedByTheValidator()
    {
        var clock = Clock();
        var token = new Hs256TokenIssuer(Hs256TokenIssuer.CreateKey(), Issuer, Audience, clock).Issue("user-1", TimeSpan.FromMinutes(5));
        var validator = new JwtValidator(new SymmetricKeySource(Hs256TokenIssuer.CreateKey()), Options(clock, "HS256"));

        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.BadSignature, result.FailureCode);
    }

    [Fact]
    public void Constructor_KeyShorterThan32Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Hs256TokenIssuer(new byte[16], Issuer, Audience, Clock()));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("bell\u0007")]
    public void Issue_UnusableSubject_Throws(string subject)
    {
        var issuer = new Hs256TokenIssuer(Hs256TokenIssuer.CreateKey(), Issuer, Audience, Clock());

        Assert.Throws<ArgumentException>(() => issuer.Issue(subject, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Issue_NonPositiveLifetime_Throws()
    {
        var issuer = new Hs256TokenIssuer(Hs256TokenIssuer.CreateKey(), Issuer, Audience, Clock());

        Assert.Throws<ArgumentOutOfRangeException>(() => issuer.Issue("user-1", TimeSpan.Zero));
    }
}
