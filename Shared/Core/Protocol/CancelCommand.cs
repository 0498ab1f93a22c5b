namespace Conduit.Core.Protocol;

public sealed record CancelCommand(string RequestId);
