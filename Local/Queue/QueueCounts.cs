namespace Conduit.Local.Queue;

/// <summary>
/// ApproximateNumberOfMessages, ApproximateNumberOfMessagesNotVisible and the dead-letter queue's
/// ApproximateNumberOfMessages, exact here because one process owns the queue.
/// </summary>
public sealed record QueueCounts(int Visible, int InFlight, int DeadLettered);
