namespace Conduit.Core.Protocol;

/// <summary>A page of the user's conversations, newest first; ask again with <see cref="NextCursor"/> while it is set.</summary>
public sealed record SessionsFrame(IReadOnlyList<SessionEntry> Sessions, string? NextCursor) : ServerFrame;
