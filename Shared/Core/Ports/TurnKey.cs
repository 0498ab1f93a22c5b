namespace Conduit.Core.Ports;

/// <summary>
/// What identifies a turn: requestIds are the client's own names, so they are unique per user only, and two users
/// may both send <c>r1</c>.
/// </summary>
public sealed record TurnKey(string UserId, string RequestId);
