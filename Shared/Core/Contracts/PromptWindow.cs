namespace Conduit.Core.Contracts;

/// <summary>The slice of session history (inclusive indexes) that forms this turn's prompt.</summary>
public sealed record PromptWindow(long FirstIndex, long LastIndex, int MessageCount, int DroppedCount);
