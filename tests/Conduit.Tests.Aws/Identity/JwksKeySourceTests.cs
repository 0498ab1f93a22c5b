using System.Security.Cryptography;
using System.Text;
using Conduit.Aws.Identity;
using Conduit.Core.Security;
using Conduit.Tests.Support;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Aws.Identity;

public sealed class JwksKeySourceTests : IAsyncLifetime
{
    private const string JwksPath = "/.well-known/jwks.json";
    private static readonly RSA RsaKey = RSA.Create(2048);
    private static readonly RSA RotatedRsaKey = RSA.Create(2048);
    private static readonly ECDsa EcKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly ManualTimeProvider _clock = Clock();
    private readonly HttpClient _http = new();
    private RecordingAwsServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingAwsServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ValidateAsync_Rs256TokenWithAPublishedKid_IsValidAfterOneGetOfTheJwks()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));

        var result = await Validator().ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);

        Assert.True(result.IsValid, result.FailureMessage);
        Assert.Equal("user-1", result.Principal.Subject);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(JwksPath, request.RawTarget);
        Assert.Contains("application/jwk-set+json", request.Header("Accept"));
    }

    [Fact]
    public async Task ValidateAsync_Es256TokenWithAPublishedKid_IsValid()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"), EcJwk(EcKey, "ec-1"))));

        var result = await Validator().ValidateAsync(Es256(EcKey, Header("ES256", "ec-1"), Claims()), CancellationToken.None);

        Assert.True(result.IsValid, result.FailureMessage);
    }

    [Fact]
    public async Task ValidateAsync_Es256SignatureInDerFormat_FailsBadSignature()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(EcJwk(EcKey, "ec-1"))));
        var signingInput = $"{Segment(Header("ES256", "ec-1"))}.{Segment(Claims())}";
        var der = EcKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var result = await Validator().ValidateAsync(
            $"{signingInput}.{System.Buffers.Text.Base64Url.EncodeToString(der)}", CancellationToken.None);

        Assert.Equal(JwtFailureCodes.BadSignature, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_TokenWithoutKid_UsesTheOnlyKeyButNotOneOfTwo()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));
        var token = Rs256(RsaKey, Header("RS256"), Claims());
        Assert.True((await Validator().ValidateAsync(token, CancellationToken.None)).IsValid);

        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"), RsaJwk(RotatedRsaKey, "rsa-2"))));
        var result = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_ManyTokensWithinTheCacheDuration_FetchTheJwksOnce()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));
        var validator = Validator();
        var token = Rs256(RsaKey, Header("RS256", "rsa-1"), Claims(expiresIn: 7200));

        var results = await Task.WhenAll(
            Enumerable.Range(0, 16).Select(_ => validator.ValidateAsync(token, CancellationToken.None).AsTask()));
        _clock.Advance(TimeSpan.FromMinutes(59));
        var later = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.All(results, result => Assert.True(result.IsValid, result.FailureMessage));
        Assert.True(later.IsValid, later.FailureMessage);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ValidateAsync_AfterTheCacheDuration_FetchesTheJwksAgain()
    {
        _server.Enqueue(
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))), ScriptedResponse.Json(200, Jwks(RsaJwk(RotatedRsaKey, "rsa-2"))));
        var validator = Validator();
        await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));

        var retired = await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, retired.FailureCode);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("HS256", "RS256")]
    public async Task ValidateAsync_Hs256TokenSignedWithTheRsaPublicKeyAsSecret_IsRefused(params string[] allowed)
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));
        var publicKeyAsSecret = Encoding.UTF8.GetBytes(RsaKey.ExportSubjectPublicKeyInfoPem());
        var confused = Hs256(publicKeyAsSecret, Header("HS256", "rsa-1"), Claims());
        var validator = new JwtValidator(Source(), Options(_clock, allowed));

        var result = await validator.ValidateAsync(confused, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Equal(allowed.Contains("HS256") ? JwtFailureCodes.UnknownKey : JwtFailureCodes.UnsupportedAlgorithm, result.FailureCode);
    }

    [Fact]
    public async Task FindAsync_KidOfAnRsaKeyAskedForHs256_FindsNothing()
    {
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));
        var source = Source();

        Assert.NotNull(await source.FindAsync("rsa-1", "RS256", CancellationToken.None));
        Assert.Null(await source.FindAsync("rsa-1", "HS256", CancellationToken.None));
        Assert.Null(await source.FindAsync("rsa-1", "ES256", CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_UnknownKid_RefetchesOnceThenFailsUnknownKey()
    {
        _server.Enqueue(
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))), ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))));
        var validator = Validator();
        await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var result = await validator.ValidateAsync(Rs256(RotatedRsaKey, Header("RS256", "unpublished"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task ValidateAsync_KidRotatedIntoTheJwks_IsAcceptedAfterARefetch()
    {
        _server.Enqueue(
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))),
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"), RsaJwk(RotatedRsaKey, "rsa-2"))));
        var validator = Validator();
        await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));

        var rotated = await validator.ValidateAsync(Rs256(RotatedRsaKey, Header("RS256", "rsa-2"), Claims()), CancellationToken.None);
        var previous = await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);

        Assert.True(rotated.IsValid, rotated.FailureMessage);
        Assert.True(previous.IsValid, previous.FailureMessage);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task ValidateAsync_SecondUnknownKidWithinAMinute_DoesNotRefetchUntilTheMinuteHasPassed()
    {
        _server.Enqueue(
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))),
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))),
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"), RsaJwk(RotatedRsaKey, "rsa-2"))));
        var validator = Validator();
        await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await validator.ValidateAsync(Rs256(RotatedRsaKey, Header("RS256", "forged-1"), Claims()), CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(59));

        var withinTheMinute = await validator.ValidateAsync(
            Rs256(RotatedRsaKey, Header("RS256", "rsa-2"), Claims()), CancellationToken.None);
        var requestsWithinTheMinute = _server.Requests.Count;
        _clock.Advance(TimeSpan.FromSeconds(1));
        var afterTheMinute = await validator.ValidateAsync(
            Rs256(RotatedRsaKey, Header("RS256", "rsa-2"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, withinTheMinute.FailureCode);
        Assert.Equal(2, requestsWithinTheMinute);
        Assert.True(afterTheMinute.IsValid, afterTheMinute.FailureMessage);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task ValidateAsync_JwksEndpointFailsAfterTheCacheExpired_KeepsServingTheCachedKeys()
    {
        _server.Enqueue(
            ScriptedResponse.Json(200, Jwks(RsaJwk(RsaKey, "rsa-1"))), ScriptedResponse.Json(503, """{"error":"unavailable"}"""));
        var validator = Validator();
        await validator.ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims(expiresIn: 3 * 3600)), CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));

        var result = await validator.ValidateAsync(
            Rs256(RsaKey, Header("RS256", "rsa-1"), Claims(expiresIn: 3 * 3600)), CancellationToken.None);

        Assert.True(result.IsValid, result.FailureMessage);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [InlineData(500, """{"keys":[]}""")]
    [InlineData(404, "not found")]
    [InlineData(200, "<html>login</html>")]
    [InlineData(200, """{"keys":{"kty":"RSA"}}""")]
    [InlineData(200, """[{"kty":"RSA"}]""")]
    public async Task ValidateAsync_JwksUnavailableWithNothingCached_FailsUnknownKey(int status, string body)
    {
        _server.Enqueue(ScriptedResponse.Json(status, body));

        var result = await Validator().ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ValidateAsync_JwksLargerThanTheLimit_IsNotUsed()
    {
        var padding = new string(' ', 300 * 1024);
        _server.Enqueue(ScriptedResponse.Json(200, $$"""{"keys":[{{RsaJwk(RsaKey, "rsa-1")}}]{{padding}}}"""));

        var result = await Validator().ValidateAsync(Rs256(RsaKey, Header("RS256", "rsa-1"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
    }

    [Fact]
    public async Task FindAsync_JwksWithKeysItCannotUse_IgnoresThemAndKeepsTheSoundOnes()
    {
        using var weakRsa = RSA.Create(1024);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var offCurve = EcJwk(EcKey, "off-curve");
        var y = EcKey.ExportParameters(false).Q.Y!;
        offCurve = offCurve.Replace(
            System.Buffers.Text.Base64Url.EncodeToString(y), System.Buffers.Text.Base64Url.EncodeToString([.. y[..^1], (byte)(y[^1] ^ 1)]));
        _server.Enqueue(ScriptedResponse.Json(200, Jwks(
            RsaJwk(weakRsa, "weak"),
            """{"kty":"oct","kid":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}""",
            EcJwk(p384, "p384", crv: "P-384"),
            offCurve,
            RsaJwk(RotatedRsaKey, "enc").Replace("\"use\":\"sig\"", "\"use\":\"enc\""),
            RsaJwk(RotatedRsaKey, "rs512").Replace("\"alg\":\"RS256\"", "\"alg\":\"RS512\""),
            RsaJwk(RotatedRsaKey, "wrap-only", ",\"key_ops\":[\"wrapKey\"]"),
            RsaJwk(RotatedRsaKey, "padded-n").Replace("\"n\":\"", "\"n\":\"=="),
            "\"not an object\"",
            RsaJwk(RsaKey, "rsa-1"),
            EcJwk(EcKey, "ec-1"))));
        var source = Source();

        var sound = await source.FindAsync("rsa-1", "RS256", CancellationToken.None);
        var soundEc = await source.FindAsync("ec-1", "ES256", CancellationToken.None);
        string[] unusable = ["weak", "oct", "p384", "off-curve", "enc", "rs512", "wrap-only", "padded-n"];
        var found = new List<JwtKey?>();
        foreach (var kid in unusable)
        {
            found.Add(await source.FindAsync(kid, "RS256", CancellationToken.None));
            found.Add(await source.FindAsync(kid, "ES256", CancellationToken.None));
            found.Add(await source.FindAsync(kid, "HS256", CancellationToken.None));
        }

        Assert.Equal("rsa-1", sound?.Kid);
        Assert.Equal("ec-1", soundEc?.Kid);
        Assert.All(found, Assert.Null);
    }

    private JwksKeySource Source() => new(_http, new Uri(_server.Url, JwksPath), _clock);

    private JwtValidator Validator() => new(Source(), Options(_clock, "RS256", "ES256"));
}
