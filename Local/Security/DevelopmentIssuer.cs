using Conduit.Core.Chat;
using Conduit.Core.Security;
using Conduit.Local.Hosting;

namespace Conduit.Local.Security;

/// <summary>
/// The local stack's own token issuer, for development only: HS256 tokens signed with a key made at first
/// start and kept in the data folder (so tokens stay good across restarts), or held in memory with --in-memory.
/// </summary>
public sealed class DevelopmentIssuer
{
    public const string KeyFileName = "dev-signing-key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly Hs256TokenIssuer _issuer;

    private DevelopmentIssuer(byte[] key, TimeProvider time)
    {
        Key = key;
        _issuer = new Hs256TokenIssuer(key, LocalHostOptions.DevelopmentIssuer, LocalHostOptions.DevelopmentAudience, time);
    }

    /// <summary>The signing key; tests use it to mint tokens the host must refuse (expired, wrong audience, …).</summary>
    public byte[] Key { get; }

    public static DevelopmentIssuer Open(LocalHostOptions options, TimeProvider time)
    {
        if (options.InMemory) return new DevelopmentIssuer(Hs256TokenIssuer.CreateKey(), time);
        var path = Path.Combine(options.DataDirectory, KeyFileName);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(options.DataDirectory);
            File.WriteAllText(path, Convert.ToBase64String(Hs256TokenIssuer.CreateKey()));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return new DevelopmentIssuer(Convert.FromBase64String(File.ReadAllText(path).Trim()), time);
    }

    /// <summary>A token for <paramref name="user"/>; an operator's also reads every user's execution traces.</summary>
    public string Issue(string user, bool isOperator = false) =>
        _issuer.Issue(user, Lifetime, isOperator ? [Authentication.OperatorRole] : null);

    public JwtValidator Validator(TimeProvider time) => new(
        new SymmetricKeySource(Key),
        new JwtValidatorOptions
        {
            Issuer = LocalHostOptions.DevelopmentIssuer,
            Audience = LocalHostOptions.DevelopmentAudience,
            AllowedAlgorithms = [JwtAlgorithms.Hs256],
            Time = time,
        });
}
