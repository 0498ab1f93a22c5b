namespace Conduit.Local.Queue;

/// <summary>
/// What became of one batch: every message handed to the handler, and those deleted afterwards. The others return to
/// the queue when their visibility timeout expires.
/// </summary>
public sealed record SqsBatchOutcome(IReadOnlyList<string> MessageIds, IReadOnlyList<string> DeletedMessageIds);
