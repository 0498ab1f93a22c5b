using Conduit.Core.Chat;
using Conduit.Core.Security;
using Conduit.Local.Hosting;

namespace Conduit.Local.Security;

/// <summary>
/// The local stack's own token issuer, for development only: HS256 tokens signed with a key made at first
/// start and kept in the data folder (so tokens stay good across restarts), or held in memory with --in-memory.
/// With the functions as processes it signs ES256 instead and publishes its JWKS, because the deployed Ingress
/// validates tokens against a JWKS URL and accepts no shared secret.
/// </summary>
public sealed class DevelopmentIssuer : IDisposable
{
    public const string KeyFileName = "dev-signing-key";
    public const string Es256KeyFileName = "dev-signing-key-es256";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly Hs256TokenIssuer _issuer;
    private readonly Es256TokenIssuer? _publicKeyIssuer;

    private DevelopmentIssuer(byte[] key, byte[]? es256Key, TimeProvider time)
    {
        Key = key;
        _issuer = new Hs256TokenIssuer(key, LocalHostOptions.DevelopmentIssuer, LocalHostOptions.DevelopmentAudience, time);
        if (es256Key is not null)
        {
            _publicKeyIssuer = new Es256TokenIssuer(
                es256Key, LocalHostOptions.DevelopmentIssuer, LocalHostOptions.DevelopmentAudience, time);
        }
    }

    /// <summary>The JWK Set that verifies this issuer's tokens, when it signs ES256; null for HS256.</summary>
    public string? JwkSet => _publicKeyIssuer?.JwkSet();

    /// <summary>The signing key; tests use it to mint tokens the host must refuse (expired, wrong audience, …).</summary>
    public byte[] Key { get; }

    public static DevelopmentIssuer Open(LocalHostOptions options, TimeProvider time)
    {
        var signsEs256 = options.Functions == FunctionsMode.Processes;
        return new DevelopmentIssuer(
            KeyIn(options, KeyFileName, Hs256TokenIssuer.CreateKey),
            signsEs256 ? KeyIn(options, Es256KeyFileName, Es256TokenIssuer.CreateKey) : null,
            time);
    }

    /// <summary>A token for <paramref name="user"/>; an operator's also reads every user's execution traces.</summary>
    public string Issue(string user, bool isOperator = false)
    {
        IReadOnlyList<string>? roles = isOperator ? [Authentication.OperatorRole] : null;
        return _publicKeyIssuer?.Issue(user, Lifetime, roles) ?? _issuer.Issue(user, Lifetime, roles);
    }

    public JwtValidator Validator(TimeProvider time) => new(
        _publicKeyIssuer is { } es256 ? new KeySetSource(new JwtKeySet([es256.PublicKey])) : new SymmetricKeySource(Key),
        new JwtValidatorOptions
        {
            Issuer = LocalHostOptions.DevelopmentIssuer,
            Audience = LocalHostOptions.DevelopmentAudience,
            AllowedAlgorithms = [_publicKeyIssuer is null ? JwtAlgorithms.Hs256 : JwtAlgorithms.Es256],
            Time = time,
        });

    public void Dispose() => _publicKeyIssuer?.Dispose();

    private static byte[] KeyIn(LocalHostOptions options, string fileName, Func<byte[]> create)
    {
        if (options.InMemory) return create();
        var path = Path.Combine(options.DataDirectory, fileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(options.DataDirectory);
            File.WriteAllText(path, Convert.ToBase64String(create()));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }
}
