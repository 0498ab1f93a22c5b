namespace Conduit.Core.Protocol;

/// <summary>The answer to <c>deleteSession</c>, also posted to the owner's other connections so every device drops it.</summary>
public sealed record SessionDeletedFrame(string SessionId) : ServerFrame;
