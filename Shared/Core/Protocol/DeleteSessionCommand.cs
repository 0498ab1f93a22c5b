namespace Conduit.Core.Protocol;

public sealed record DeleteSessionCommand(string SessionId);
