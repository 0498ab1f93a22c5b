namespace Conduit.Core.Protocol;

/// <summary>The answer to resume: the replay has been posted; frames after <see cref="LastSeq"/> arrive live.</summary>
public sealed record ResumedFrame(string SessionId, long LastSeq) : ServerFrame;
