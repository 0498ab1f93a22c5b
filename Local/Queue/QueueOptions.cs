namespace Conduit.Local.Queue;

/// <summary>
/// The settings of one local queue, its redrive policy and the event source mapping that drains it, named and
/// bounded as their AWS counterparts are so that a value that works locally also deploys.
/// </summary>
public sealed record QueueOptions
{
    internal const int MaxBatchSize = 10;
    internal static readonly TimeSpan MaxVisibilityTimeout = TimeSpan.FromHours(12);

    private const int MaxNameLength = 80;
    private const string DeadLetterSuffix = "-dlq";

    /// <summary>Letters, digits, hyphens and underscores, short enough that the dead-letter queue's name is valid too.</summary>
    public string Name
    {
        get;
        init => field = IsValidQueueName(value) && value.Length + DeadLetterSuffix.Length <= MaxNameLength
            ? value
            : throw new ArgumentException(
                $"'{value}' is not a valid queue name: "
                + $"use up to {MaxNameLength - DeadLetterSuffix.Length} letters, digits, hyphens or underscores.",
                nameof(Name));
    } = "conduit-turns";

    /// <summary>How long a received message stays hidden from other receives; SQS allows 0 to 12 hours.</summary>
    public TimeSpan VisibilityTimeout
    {
        get;
        init => field = value >= TimeSpan.Zero && value <= MaxVisibilityTimeout
            ? value
            : throw new ArgumentOutOfRangeException(nameof(VisibilityTimeout), value, "SQS allows zero to 12 hours.");
    } = TimeSpan.FromSeconds(30);

    /// <summary>Receives a message may have before the next one moves it to the dead-letter queue instead.</summary>
    public int MaxReceiveCount
    {
        get;
        init => field = value is >= 1 and <= 1000
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxReceiveCount), value, "SQS allows 1 to 1000.");
    } = 5;

    /// <summary>Messages per handler invocation; one ReceiveMessage call returns at most 10.</summary>
    public int BatchSize
    {
        get;
        init => field = value is >= 1 and <= MaxBatchSize
            ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, $"Use 1 to {MaxBatchSize}.");
    } = 10;

    public int MaxConcurrentBatches
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxConcurrentBatches), value, "At least one batch must be allowed in flight.");
    } = 4;

    public string Region { get; init; } = "local";

    public string AccountId { get; init; } = "000000000000";

    public string DeadLetterQueueName => Name + DeadLetterSuffix;

    public string QueueArn => $"arn:aws:sqs:{Region}:{AccountId}:{Name}";

    private static bool IsValidQueueName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(character => char.IsAsciiLetterOrDigit(character) || character is '-' or '_');
}
