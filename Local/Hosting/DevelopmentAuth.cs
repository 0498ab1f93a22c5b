namespace Conduit.Local.Hosting;

public sealed record DevelopmentAuth : AuthChoice;
