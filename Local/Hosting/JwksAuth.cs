namespace Conduit.Local.Hosting;

public sealed record JwksAuth(Uri JwksUrl, string Issuer, string Audience) : AuthChoice;
