namespace Conduit.Local.Hosting;

/// <summary>How connections are authenticated: the development issuer, or real tokens from an issuer's JWKS.</summary>
public abstract record AuthChoice
{
    public static AuthChoice Development { get; } = new DevelopmentAuth();

    /// <summary>Reads <c>dev</c> or <c>jwks:&lt;url&gt;</c>; a JWKS also needs the issuer and audience options.</summary>
    public static AuthChoice Parse(string text)
    {
        if (text == "dev") return Development;
        if (text.StartsWith("jwks:", StringComparison.Ordinal)
            && Uri.TryCreate(text["jwks:".Length..], UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return new JwksAuth(url, Issuer: "", Audience: "");
        throw new ArgumentException(
            "--auth takes dev or jwks:<url> (e.g. jwks:https://cognito-idp.eu-west-1.amazonaws.com/<pool>/.well-known/jwks.json), "
            + $"not \"{text}\".");
    }
}
