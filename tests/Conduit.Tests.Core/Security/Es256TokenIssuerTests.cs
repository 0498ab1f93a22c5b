using System.Text;
using Conduit.Core.Security;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Core.Security;

public sealed class Es256TokenIssuerTests
{
    [Fact]
    public async Task Issue_ValidatedWithTheKeyItsJwkSetPublishes_IsAccepted()
    {
        var clock = Clock();
        using var issuer = new Es256TokenIssuer(Es256TokenIssuer.CreateKey(), Issuer, Audience, clock);
        var (keys, ignored) = JsonWebKeySetReader.Read(Encoding.UTF8.GetBytes(issuer.JwkSet()));
        var validator = new JwtValidator(new KeySetSource(keys), Options(clock, "ES256"));

        var result = await validator.ValidateAsync(issuer.Issue("user-9", TimeSpan.FromMinutes(5)), CancellationToken.None);

        Assert.Equal(0, ignored);
        Assert.True(result.IsValid, result.FailureMessage);
        Assert.Equal("user-9", result.Principal!.Subject);
    }

    [Fact]
    public async Task Issue_KeyOfAnotherIssuer_IsRefusedByTheValidator()
    {
        var clock = Clock();
        using var issuer = new Es256TokenIssuer(Es256TokenIssuer.CreateKey(), Issuer, Audience, clock);
        using var other = new Es256TokenIssuer(Es256TokenIssuer.CreateKey(), Issuer, Audience, clock);
        var validator = new JwtValidator(new KeySetSource(new JwtKeySet([other.PublicKey])), Options(clock, "ES256"));

        var result = await validator.ValidateAsync(issuer.Issue("user-1", TimeSpan.FromMinutes(5)), CancellationToken.None);

        Assert.False(result.IsValid);
    }
}
