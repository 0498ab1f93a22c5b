namespace Conduit.Core.Protocol;

public sealed record SendMessageCommand(string RequestId, string? SessionId, string Text);
