namespace Conduit.Core.Ports;

/// <summary>
/// One entry of a user's conversation list. <see cref="Title"/> is the title it was given, else the start of its first
/// question in history, else empty (its first message is not in history yet).
/// </summary>
public sealed record SessionSummary(string SessionId, string Title, DateTimeOffset CreatedAt);
