using Conduit.Core.Chat;
using Conduit.Core.Security;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Core.Chat;

/// <summary>An operator is a token whose <c>roles</c> claim (a string or an array of strings) holds <c>operator</c>.</summary>
public sealed class OperatorRoleTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Theory]
    [InlineData("""["operator"]""", true)]
    [InlineData("""["reader","operator"]""", true)]
    [InlineData("\"operator\"", true)]
    [InlineData("""["Operator"]""", false)]
    [InlineData("""["reader"]""", false)]
    [InlineData("[]", false)]
    public async Task AuthenticateAsync_RolesClaim_MakesAnOperatorOnlyWithTheExactRole(string rolesJson, bool isOperator)
    {
        var token = Hs256(Key, Header("HS256"), Claims().TrimEnd('}') + $",\"roles\":{rolesJson}}}");

        var authentication = await Authenticator().AuthenticateAsync(token, CancellationToken.None);

        Assert.Equal("user-1", authentication.UserId);
        Assert.Equal(isOperator, authentication.IsOperator);
    }

    [Fact]
    public async Task AuthenticateAsync_NoRolesClaim_IsAnOrdinaryUser()
    {
        var authentication = await Authenticator().AuthenticateAsync(Hs256(Key, Header("HS256"), Claims()), CancellationToken.None);

        Assert.Equal("user-1", authentication.UserId);
        Assert.False(authentication.IsOperator);
    }

    [Theory]
    [InlineData("""[1]""")]
    [InlineData("""{"operator":true}""")]
    [InlineData("true")]
    public async Task AuthenticateAsync_RolesThatAreNotStrings_RefuseTheTokenAsMalformed(string rolesJson)
    {
        var token = Hs256(Key, Header("HS256"), Claims().TrimEnd('}') + $",\"roles\":{rolesJson}}}");

        var authentication = await Authenticator().AuthenticateAsync(token, CancellationToken.None);

        Assert.Null(authentication.UserId);
        Assert.Equal(JwtFailureCodes.Malformed, authentication.FailureReason);
    }

    [Fact]
    public async Task Issue_WithTheOperatorRole_IsReadBackAsAnOperator()
    {
        var clock = Clock();
        var issuer = new Hs256TokenIssuer(Key, Issuer, Audience, clock);

        var operatorToken = await Authenticator().AuthenticateAsync(
            issuer.Issue("ops", TimeSpan.FromMinutes(5), [Authentication.OperatorRole]), CancellationToken.None);
        var userToken = await Authenticator().AuthenticateAsync(issuer.Issue("alice", TimeSpan.FromMinutes(5)), CancellationToken.None);

        Assert.True(operatorToken.IsOperator);
        Assert.False(userToken.IsOperator);
    }

    private static JwtConnectionAuthenticator Authenticator() =>
        new(new JwtValidator(new SymmetricKeySource(Key), Options(Clock(), "HS256")));
}
