namespace Conduit.Local.Queue;

/// <summary>A queue the SQS API serves: its messages, the attributes it was created with (defaults filled in) and when.</summary>
public sealed record SqsQueue(
    string Name, DurableQueue Messages, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset CreatedTimestamp);
