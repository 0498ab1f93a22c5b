namespace Conduit.Core.Protocol;

/// <summary>One conversation of a <see cref="SessionsFrame"/>; an empty title means it has no question in history yet.</summary>
public sealed record SessionEntry(string SessionId, string Title, DateTimeOffset CreatedAt);
