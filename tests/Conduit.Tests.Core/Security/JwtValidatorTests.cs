using System.Buffers.Text;
using Conduit.Core.Security;
using Conduit.Tests.Support;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Core.Security;

public sealed class JwtValidatorTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private readonly ManualTimeProvider _clock = Clock();

    [Fact]
    public async Task ValidateAsync_TokenFromHs256TokenIssuer_ReturnsItsSubjectIssuerAudienceAndExpiry()
    {
        var key = Hs256TokenIssuer.CreateKey();
        var token = new Hs256TokenIssuer(key, Issuer, Audience, _clock).Issue("alice@example.com", TimeSpan.FromMinutes(15));

        var result = await Validator(new SymmetricKeySource(key)).ValidateAsync(token, CancellationToken.None);

        Assert.True(result.IsValid, result.FailureMessage);
        Assert.Equal(new JwtPrincipal("alice@example.com", Issuer, Audience, Now.AddMinutes(15)), result.Principal);
    }

    [Fact]
    public async Task ValidateAsync_HandSignedHs256Token_IsValid()
    {
        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), Claims()), CancellationToken.None);

        Assert.True(result.IsValid, result.FailureMessage);
        Assert.Equal("user-1", result.Principal.Subject);
    }

    [Theory]
    [InlineData(-59, true)]
    [InlineData(-61, false)]
    [InlineData(-3600, false)]
    public async Task ValidateAsync_ExpiryInThePast_IsToleratedOnlyWithinTheClockSkew(long expiresIn, bool valid)
    {
        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), Claims(expiresIn: expiresIn)), CancellationToken.None);

        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(JwtFailureCodes.Expired, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_ClockMovesPastExpiryAndSkew_FailsExpired()
    {
        var token = new Hs256TokenIssuer(Key, Issuer, Audience, _clock).Issue("user-1", TimeSpan.FromMinutes(5));
        var validator = Validator();
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(59));
        Assert.True((await validator.ValidateAsync(token, CancellationToken.None)).IsValid);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.Expired, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_ZeroClockSkewAndExpiryJustPassed_FailsExpired()
    {
        var validator = new JwtValidator(new SymmetricKeySource(Key), Options(_clock, "HS256") with { ClockSkew = TimeSpan.Zero });

        var result = await validator.ValidateAsync(Hs256(Key, Header("HS256"), Claims(expiresIn: -1)), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.Expired, result.FailureCode);
    }

    [Theory]
    [InlineData(30, true)]
    [InlineData(61, false)]
    [InlineData(3600, false)]
    public async Task ValidateAsync_NotBeforeInTheFuture_IsToleratedOnlyWithinTheClockSkew(long notBeforeIn, bool valid)
    {
        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), Claims(notBeforeIn: notBeforeIn)), CancellationToken.None);

        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(JwtFailureCodes.NotYetValid, result.FailureCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ValidateAsync_OneBitFlippedInASegment_IsRefused(int segmentIndex)
    {
        var segments = Hs256(Key, Header("HS256"), Claims()).Split('.');
        var bytes = Base64Url.DecodeFromChars(segments[segmentIndex]);
        bytes[bytes.Length / 2] ^= 0x04;
        segments[segmentIndex] = Base64Url.EncodeToString(bytes);

        var result = await Validator().ValidateAsync(string.Join('.', segments), CancellationToken.None);

        Assert.False(result.IsValid);
        if (segmentIndex == 2) Assert.Equal(JwtFailureCodes.BadSignature, result.FailureCode);
    }

    [Theory]
    [InlineData("none", "")]
    [InlineData("none", "c2lnbmF0dXJl")]
    [InlineData("None", "")]
    [InlineData("NONE", "c2lnbmF0dXJl")]
    public async Task ValidateAsync_AlgNone_FailsUnsupportedAlgorithm(string alg, string signature)
    {
        var token = $"{Segment(Header(alg))}.{Segment(Claims())}.{signature}";

        var result = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnsupportedAlgorithm, result.FailureCode);
    }

    [Fact]
    public void Constructor_AllowedAlgorithmsIncludeNone_Throws()
    {
        Assert.Throws<ArgumentException>(() => new JwtValidator(new SymmetricKeySource(Key), Options(_clock, "HS256", "none")));
    }

    [Fact]
    public async Task ValidateAsync_AlgorithmOutsideTheAllowedSet_FailsUnsupportedAlgorithm()
    {
        var validator = new JwtValidator(new SymmetricKeySource(Key), Options(_clock, "RS256"));

        var result = await validator.ValidateAsync(Hs256(Key, Header("HS256"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnsupportedAlgorithm, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_Rs256TokenAgainstASymmetricKey_FailsUnknownKey()
    {
        var validator = new JwtValidator(new SymmetricKeySource(Key), Options(_clock, "HS256", "RS256"));
        var forged = $"{Segment(Header("RS256"))}.{Segment(Claims())}.{Base64Url.EncodeToString(new byte[256])}";

        var result = await validator.ValidateAsync(forged, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_KeySourceHandsBackAKeyOfAnotherAlgorithm_FailsUnsupportedAlgorithm()
    {
        var validator = new JwtValidator(new AnyAlgorithmKeySource(JwtKey.Hs256(Key)), Options(_clock, "HS256", "ES256"));
        var token = Hs256(Key, Header("ES256"), Claims());

        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnsupportedAlgorithm, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_KeySourceThrows_FailsUnknownKeyWithoutThrowing()
    {
        var validator = new JwtValidator(new ThrowingKeySource(), Options(_clock, "HS256"));

        var result = await validator.ValidateAsync(Hs256(Key, Header("HS256"), Claims()), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("k1", true)]
    [InlineData("k2", false)]
    public async Task ValidateAsync_KidAgainstASymmetricKeyWithKid_MatchesOnlyThatKidOrNone(string? kid, bool valid)
    {
        var validator = Validator(new SymmetricKeySource(Key, "k1"));

        var result = await validator.ValidateAsync(Hs256(Key, Header("HS256", kid), Claims()), CancellationToken.None);

        Assert.Equal(valid, result.IsValid);
        if (!valid) Assert.Equal(JwtFailureCodes.UnknownKey, result.FailureCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://auth.conduit.test")]
    [InlineData("HTTPS://AUTH.CONDUIT.TEST/")]
    public async Task ValidateAsync_AnotherIssuer_FailsWrongIssuer(string issuer)
    {
        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), Claims(issuer: issuer)), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.WrongIssuer, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_NoIssuer_FailsWrongIssuer()
    {
        var claims = $$"""{"aud":"{{Audience}}","sub":"user-1","exp":{{NowSeconds + 300}}}""";

        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), claims), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.WrongIssuer, result.FailureCode);
    }

    [Theory]
    [InlineData($"[\"other-api\",\"{Audience}\"]", true)]
    [InlineData($"[\"{Audience}\"]", true)]
    [InlineData("[\"other-api\"]", false)]
    [InlineData("[]", false)]
    [InlineData("\"other-api\"", false)]
    [InlineData("\"CONDUIT-WEBSOCKET\"", false)]
    public async Task ValidateAsync_Audience_MatchesOnlyAnExactEntry(string audienceJson, bool valid)
    {
        var result = await Validator().ValidateAsync(
            Hs256(Key, Header("HS256"), Claims(audienceJson: audienceJson)), CancellationToken.None);

        Assert.Equal(valid, result.IsValid);
        if (valid) Assert.Equal(Audience, result.Principal!.Audience);
        else Assert.Equal(JwtFailureCodes.WrongAudience, result.FailureCode);
    }

    [Fact]
    public async Task ValidateAsync_NoAudience_FailsWrongAudience()
    {
        var claims = $$"""{"iss":"{{Issuer}}","sub":"user-1","exp":{{NowSeconds + 300}}}""";

        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), claims), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.WrongAudience, result.FailureCode);
    }

    public static TheoryData<string> UnusableSubjectClaims => new()
    {
        $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{NowSeconds + 300}}}""",
        Claims(subject: ""),
        Claims(subject: "   "),
        Claims(subject: new string('a', 257)),
        Claims(subject: "user\\u0000one"),
        Claims(subject: "user\\u202Eeno"),
        Claims(subject: "user\\nmallory"),
    };

    [Theory]
    [MemberData(nameof(UnusableSubjectClaims))]
    public async Task ValidateAsync_SubjectMissingOrUnusable_FailsMissingSubject(string claims)
    {
        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), claims), CancellationToken.None);

        Assert.Equal(JwtFailureCodes.MissingSubject, result.FailureCode);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Zoë 🚀 (support)")]
    public async Task ValidateAsync_PrintableSubject_IsValid(string subject)
    {
        var token = new Hs256TokenIssuer(Key, Issuer, Audience, _clock).Issue(subject, TimeSpan.FromMinutes(1));

        var result = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.Equal(subject, result.Principal?.Subject);
    }

    [Fact]
    public async Task ValidateAsync_SubjectOf256Characters_IsValid()
    {
        var subject = new string('s', 256);

        var result = await Validator().ValidateAsync(Hs256(Key, Header("HS256"), Claims(subject: subject)), CancellationToken.None);

        Assert.Equal(subject, result.Principal?.Subject);
    }

    public static TheoryData<string, string?> MalformedTokens
    {
        get
        {
            var header = Segment(Header("HS256"));
            var payload = Segment(Claims());
            var valid = Hs256(Key, Header("HS256"), Claims());
            var signature = valid.Split('.')[2];
            return new()
            {
                { "null", null },
                { "empty", "" },
                { "one segment", "abc" },
                { "two segments", $"{header}.{payload}" },
                { "four segments", $"{valid}.{signature}" },
                { "empty header", $".{payload}.{signature}" },
                { "empty payload", $"{header}..{signature}" },
                { "standard base64 alphabet", $"{header}.{payload}.{signature[..^2]}+/" },
                { "padding", $"{header}.{Segment(Claims())}=.{signature}" },
                { "whitespace", $"{header} .{payload}.{signature}" },
                { "impossible length", $"{header}.{payload}.{signature}AA" },
                { "non-canonical trailing bits", $"{Segment("{\"alg\":\"HS256\" }")[..^1]}B.{payload}.{signature}" },
                { "non-ascii", $"{header}.{payload}.{signature[..^1]}é" },
                { "header not json", $"{Segment("alg=HS256")}.{payload}.{signature}" },
                { "header array", Hs256(Key, "[\"HS256\"]", Claims()) },
                { "header without alg", Hs256(Key, "{\"typ\":\"JWT\"}", Claims()) },
                { "alg number", Hs256(Key, "{\"alg\":256}", Claims()) },
                { "duplicate alg", Hs256(Key, "{\"alg\":\"none\",\"alg\":\"HS256\"}", Claims()) },
                { "crit header", Hs256(Key, "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", Claims()) },
                { "kid of 257 characters", Hs256(Key, Header("HS256", new string('k', 257)), Claims()) },
                { "kid number", Hs256(Key, "{\"alg\":\"HS256\",\"kid\":7}", Claims()) },
                { "payload not json", Hs256(Key, Header("HS256"), "sub=user-1") },
                { "payload array", Hs256(Key, Header("HS256"), "[1,2,3]") },
                { "payload string", Hs256(Key, Header("HS256"), "\"user-1\"") },
                { "exp missing", Hs256(Key, Header("HS256"), Claims(expiresIn: null)) },
                { "exp string", Hs256(
                    Key, Header("HS256"), Claims().Replace($"\"exp\":{NowSeconds + 300}", $"\"exp\":\"{NowSeconds + 300}\"")) },
                { "exp beyond year 9999", Hs256(Key, Header("HS256"), Claims().Replace($"\"exp\":{NowSeconds + 300}", "\"exp\":1e300")) },
                { "nbf string", Hs256(Key, Header("HS256"), Claims().Replace("\"iat\"", "\"nbf\":\"soon\",\"iat\"")) },
                { "duplicate exp", Hs256(Key, Header("HS256"), Claims().Replace("\"iat\"", $"\"exp\":{NowSeconds + 999_999},\"iat\"")) },
                { "aud number", Hs256(Key, Header("HS256"), Claims(audienceJson: "42")) },
                { "aud array of numbers", Hs256(Key, Header("HS256"), Claims(audienceJson: "[42]")) },
                { "sub with a lone surrogate", Hs256(Key, Header("HS256"), Claims(subject: "\\ud800lonely")) },
                { "kid not utf-8", Hs256Segments(
                    Key, Base64Url.EncodeToString([.. "{\"alg\":\"HS256\",\"kid\":\""u8, 0xC3, 0x28, .. "\"}"u8]), payload) },
                { "sub number", Hs256(Key, Header("HS256"), Claims().Replace("\"sub\":\"user-1\"", "\"sub\":1")) },
                { "huge token", Hs256(Key, Header("HS256"), Claims(subject: new string('x', 7000))) },
            };
        }
    }

    [Theory]
    [MemberData(nameof(MalformedTokens))]
    public async Task ValidateAsync_MalformedToken_FailsMalformed(string shape, string? token)
    {
        var result = await Validator().ValidateAsync(token, CancellationToken.None);

        Assert.True(result.FailureCode == JwtFailureCodes.Malformed, $"{shape}: {result.FailureCode} {result.FailureMessage}");
        Assert.False(string.IsNullOrWhiteSpace(result.FailureMessage));
    }

    private JwtValidator Validator(IJwtKeySource? keys = null) =>
        new(keys ?? new SymmetricKeySource(Key), Options(_clock, "HS256"));

    private sealed class AnyAlgorithmKeySource(JwtKey key) : IJwtKeySource
    {
        public ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken) => ValueTask.FromResult<JwtKey?>(
            key);
    }

    private sealed class ThrowingKeySource : IJwtKeySource
    {
        public ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken) =>
            throw new HttpRequestException("identity provider unreachable");
    }
}
