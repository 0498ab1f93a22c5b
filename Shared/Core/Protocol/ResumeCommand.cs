namespace Conduit.Core.Protocol;

public sealed record ResumeCommand(string SessionId, long AfterSeq);
