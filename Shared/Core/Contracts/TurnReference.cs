namespace Conduit.Core.Contracts;

public sealed record TurnReference(string RequestId, string SessionId, string ConnectionId);
