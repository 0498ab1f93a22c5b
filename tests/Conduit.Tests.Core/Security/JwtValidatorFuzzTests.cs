using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Conduit.Core.Security;
using Conduit.Tests.Support;
using static Conduit.Tests.Support.JwtTestTokens;

namespace Conduit.Tests.Core.Security;

/// <summary>Property checks with fixed seeds, so a failure reproduces: no input throws, and no altered token validates.</summary>
public sealed class JwtValidatorFuzzTests
{
    private const int Cases = 2_000;
    private static readonly byte[] Key = Hs256TokenIssuer.CreateKey();
    private static readonly string[] FailureCodes =
    [
        JwtFailureCodes.Malformed, JwtFailureCodes.UnsupportedAlgorithm, JwtFailureCodes.UnknownKey, JwtFailureCodes.BadSignature,
        JwtFailureCodes.Expired, JwtFailureCodes.NotYetValid, JwtFailureCodes.WrongIssuer, JwtFailureCodes.WrongAudience,
        JwtFailureCodes.MissingSubject,
    ];

    [Fact]
    public async Task ValidateAsync_RandomByteStrings_NeverThrowNorValidate()
    {
        var random = new Random(20250601);
        var validator = new JwtValidator(new SymmetricKeySource(Key), Options(Clock(), "HS256"));

        for (var i = 0; i < Cases; i++)
        {
            var input = RandomInput(random, i);

            var result = await validator.ValidateAsync(input, CancellationToken.None);

            Assert.False(result.IsValid, $"case {i} validated");
            Assert.Contains(result.FailureCode, FailureCodes);
        }
    }

    [Fact]
    public async Task ValidateAsync_MutationsOfValidTokens_NeverThrowNorValidate()
    {
        using var rsa = RSA.Create(2048);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clock = Clock();
        var symmetric = new JwtValidator(new SymmetricKeySource(Key), Options(clock, "HS256"));
        var published = new JwtValidator(
            new PublishedKeySource(Jwks(RsaJwk(rsa, "rsa-1"), EcJwk(ecdsa, "ec-1"))), Options(clock, "RS256", "ES256"));
        (JwtValidator Validator, string Token)[] originals =
        [
            (symmetric, new Hs256TokenIssuer(Key, Issuer, Audience, clock).Issue("user-1", TimeSpan.FromMinutes(5))),
            (published, Rs256(rsa, Header("RS256", "rsa-1"), Claims())),
            (published, Es256(ecdsa, Header("ES256", "ec-1"), Claims())),
        ];
        foreach (var (validator, token) in originals)
            Assert.True((await validator.ValidateAsync(token, CancellationToken.None)).IsValid);
        var random = new Random(1748779200);

        var mutated = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (validator, token) = originals[i % originals.Length];
            var mutation = Mutate(random, token);
            if (mutation == token) continue;
            mutated++;

            var result = await validator.ValidateAsync(mutation, CancellationToken.None);

            Assert.False(result.IsValid, $"mutation {i} validated: {mutation}");
            Assert.Contains(result.FailureCode, FailureCodes);
        }

        Assert.True(mutated > Cases * 9 / 10, $"only {mutated} of {Cases} mutations changed the token");
    }

    private static string RandomInput(Random random, int caseNumber)
    {
        var bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return (caseNumber % 4) switch
        {
            0 => Encoding.Latin1.GetString(bytes),
            1 => Encoding.UTF8.GetString(bytes),
            2 => string.Join('.', bytes.Chunk(Math.Max(1, bytes.Length / 3)).Select(chunk => Base64Url.EncodeToString(chunk))),
            _ => string.Join('.', SegmentsOfRandomJson(random)),
        };
    }

    /// <summary>
    /// Well-formed base64url segments holding JSON-ish text, so inputs reach the JSON readers rather than stop at decoding.
    /// </summary>
    private static IEnumerable<string> SegmentsOfRandomJson(Random random)
    {
        string[] fragments =
        [
            "{", "}", "[", "]", "\"alg\":", "\"HS256\"", "\"none\"", "\"exp\":", "1e999", "-1", "\"sub\":", "\"\\ud800\"", ",", "null",
            "true", "\"aud\":", "\"kid\":", "0",
        ];
        for (var segment = 0; segment < 3; segment++)
        {
            var json = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => fragments[random.Next(fragments.Length)]));
            yield return Segment(json);
        }
    }

    private static string Mutate(Random random, string token)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ é\0";
        var chars = token.ToList();
        var position = random.Next(chars.Count);
        switch (random.Next(6))
        {
            case 0:
                chars[position] = alphabet[random.Next(alphabet.Length)];
                break;
            case 1:
                chars.Insert(position, alphabet[random.Next(alphabet.Length)]);
                break;
            case 2:
                chars.RemoveAt(position);
                break;
            case 3:
                (chars[position], chars[(position + 1) % chars.Count]) = (chars[(position + 1) % chars.Count], chars[position]);
                break;
            case 4:
                chars.RemoveRange(position, chars.Count - position);
                break;
            default:
                var bytes = Encoding.ASCII.GetBytes(token);
                bytes[position] ^= (byte)(1 << random.Next(7));
                return Encoding.ASCII.GetString(bytes);
        }

        return new string([.. chars]);
    }

    /// <summary>A JWKS document read as the JWKS source reads what it fetched, without the fetch.</summary>
    private sealed class PublishedKeySource(string jwks) : IJwtKeySource
    {
        private readonly JwtKeySet _keys = JsonWebKeySetReader.Read(System.Text.Encoding.UTF8.GetBytes(jwks)).Keys;

        public ValueTask<JwtKey?> FindAsync(string? kid, string alg, CancellationToken cancellationToken) =>
            ValueTask.FromResult(_keys.Find(kid, alg));
    }
}
