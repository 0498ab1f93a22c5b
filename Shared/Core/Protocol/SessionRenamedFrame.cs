namespace Conduit.Core.Protocol;

/// <summary>The answer to <c>renameSession</c>, also posted to the owner's other connections so every device shows the new title.</summary>
public sealed record SessionRenamedFrame(string SessionId, string Title) : ServerFrame;
