namespace Conduit.Core.Chat;

/// <summary>A frame ready to post and the last seq it stands for.</summary>
public readonly record struct OutgoingFrame(string Json, long LastSeq);
