using System.Text.Json;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Local.Sqlite;
using Microsoft.Data.Sqlite;

namespace Conduit.Local.Queue;

/// <summary>
/// An Amazon SQS standard queue with a redrive policy, kept in SQLite so that a message whose send has returned
/// survives the host being killed. Its dead-letter queue is a second queue in the same table, so dead-lettering is one
/// update inside the receive's transaction. Wake-ups are signalled in memory, so one host process owns a queue.
/// Every queue of a host shares the table, each under its own name; the dead-letter queue is one of them, with no
/// redrive policy of its own, so it can be read like any other.
/// </summary>
public sealed class DurableQueue
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS queue_messages (
            sequence INTEGER PRIMARY KEY,
            queue_name TEXT NOT NULL,
            message_id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            message_attributes TEXT,
            sent_at INTEGER NOT NULL,
            visible_at INTEGER NOT NULL,
            receive_count INTEGER NOT NULL DEFAULT 0,
            first_received_at INTEGER,
            receipt_handle TEXT UNIQUE
        );
        CREATE INDEX IF NOT EXISTS queue_messages_by_visibility ON queue_messages (queue_name, visible_at);
        """;

    private const string MessageColumns =
        "sequence, message_id, body, message_attributes, sent_at, receive_count, first_received_at, receipt_handle";

    /// <summary>SQS's longest DelaySeconds.</summary>
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    private static readonly IReadOnlyDictionary<string, SqsMessageAttribute> NoAttributes = new Dictionary<string, SqsMessageAttribute>();

    private readonly SqliteDatabase _database;
    private readonly TimeProvider _time;
    private readonly int _maxReceiveCount;

    /// <summary>Completed and replaced whenever a message may have become visible sooner than a waiter computed.</summary>
    private TaskCompletionSource _visibilityChanged = NewSignal();

    /// <summary>The queue <paramref name="options"/> names, with its dead-letter queue as <see cref="DeadLetterQueue"/>.</summary>
    public DurableQueue(SqliteDatabase database, QueueOptions options, TimeProvider time)
        : this(
            database,
            options?.Name ?? throw new ArgumentNullException(nameof(options)),
            options.VisibilityTimeout,
            new DurableQueue(database, options.DeadLetterQueueName, options.VisibilityTimeout, null, int.MaxValue, time),
            options.MaxReceiveCount,
            time)
    {
    }

    /// <param name="deadLetterQueue">
    /// Where a message goes once it has had <paramref name="maxReceiveCount"/> receives; null for none.
    /// </param>
    internal DurableQueue(
        SqliteDatabase database,
        string name,
        TimeSpan visibilityTimeout,
        DurableQueue? deadLetterQueue,
        int maxReceiveCount,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(time);
        _database = database;
        _time = time;
        Name = name;
        VisibilityTimeout = visibilityTimeout;
        DeadLetterQueue = deadLetterQueue;
        _maxReceiveCount = deadLetterQueue is null ? int.MaxValue : maxReceiveCount;
        _database.Execute(Schema);
    }

    public string Name { get; }

    /// <summary>How long a receive hides a message unless it asks for another timeout.</summary>
    public TimeSpan VisibilityTimeout { get; }

    /// <summary>The queue messages move to once out of receives; null when this queue has no redrive policy.</summary>
    public DurableQueue? DeadLetterQueue { get; }

    /// <summary>Stores a message and returns its MessageId once the write has committed.</summary>
    /// <exception cref="ArgumentException">The message breaks one of SQS's limits: empty, over 1 MiB, or malformed.</exception>
    public Task<string> SendAsync(
        string body,
        IReadOnlyDictionary<string, SqsMessageAttribute>? attributes = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(body, attributes, TimeSpan.Zero, cancellationToken);

    /// <summary>Stores a message that stays hidden for <paramref name="delay"/> (SQS's DelaySeconds, up to 15 minutes).</summary>
    internal async Task<string> SendAsync(
        string body,
        IReadOnlyDictionary<string, SqsMessageAttribute>? attributes,
        TimeSpan delay,
        CancellationToken cancellationToken)
    {
        SqsMessageLimits.Validate(body, attributes);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, MaxDelay);
        var messageId = Guid.NewGuid().ToString();
        var now = NowMilliseconds();
        var serializedAttributes = attributes is { Count: > 0 }
            ? JsonSerializer.Serialize(attributes, AwsJsonContext.Wire.IReadOnlyDictionaryStringSqsMessageAttribute)
            : null;

        await _database.RunAsync(connection =>
        {
            using var insert = Command(
                connection,
                """
                INSERT INTO queue_messages (queue_name, message_id, body, message_attributes, sent_at, visible_at)
                VALUES ($queue, $messageId, $body, $attributes, $now, $visibleAt)
                """,
                ("$queue", Name),
                ("$messageId", messageId),
                ("$body", body),
                ("$attributes", serializedAttributes),
                ("$now", now),
                ("$visibleAt", now + (long)delay.TotalMilliseconds));
            insert.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);

        SignalVisibilityChanged();
        return messageId;
    }

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> visible messages, oldest first, hiding each for the visibility
    /// timeout under a new receipt handle. A message out of receives moves to the dead-letter queue instead.
    /// </summary>
    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(int maxMessages, CancellationToken cancellationToken = default) =>
        ReceiveAsync(maxMessages, VisibilityTimeout, cancellationToken);

    /// <summary>As the other overload, hiding what it returns for <paramref name="visibilityTimeout"/> instead of the queue's.</summary>
    internal async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(
        int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, QueueOptions.MaxBatchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(visibilityTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(visibilityTimeout, QueueOptions.MaxVisibilityTimeout);
        var deadLettered = false;
        var received = await _database.InTransactionAsync<IReadOnlyList<QueueMessage>>(
            (connection, _) => Receive(connection, maxMessages, visibilityTimeout, out deadLettered),
            cancellationToken).ConfigureAwait(false);
        if (deadLettered) DeadLetterQueue?.SignalVisibilityChanged();
        return received;
    }

    /// <summary>Deletes every message of this queue, in flight or not, as PurgeQueue does.</summary>
    internal Task PurgeAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(connection =>
        {
            using var delete = Command(connection, "DELETE FROM queue_messages WHERE queue_name = $queue", ("$queue", Name));
            delete.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Visible messages, received ones still hidden, and sent ones still delayed, as GetQueueAttributes counts them.</summary>
    internal Task<(int Visible, int NotVisible, int Delayed)> CountAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        return _database.RunAsync(connection =>
        {
            using var count = Command(
                connection,
                """
                SELECT
                    COALESCE(SUM(visible_at <= $now), 0),
                    COALESCE(SUM(visible_at > $now AND receive_count > 0), 0),
                    COALESCE(SUM(visible_at > $now AND receive_count = 0), 0)
                FROM queue_messages WHERE queue_name = $queue
                """,
                ("$queue", Name),
                ("$now", now));
            using var reader = count.ExecuteReader();
            reader.Read();
            return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        }, cancellationToken);
    }

    /// <summary>Whether a receipt handle is one this queue could have issued, stale or not.</summary>
    internal static bool IsWellFormedReceiptHandle(string receiptHandle) =>
        receiptHandle.Length == 32 && receiptHandle.All(char.IsAsciiHexDigitLower);

    /// <summary>Deletes the message <paramref name="receiptHandle"/> was issued for; false when that handle is stale or unknown.</summary>
    public Task<bool> DeleteAsync(string receiptHandle, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(receiptHandle);
        return _database.RunAsync(connection =>
        {
            using var delete = Command(
                connection,
                "DELETE FROM queue_messages WHERE queue_name = $queue AND receipt_handle = $receiptHandle",
                ("$queue", Name),
                ("$receiptHandle", receiptHandle));
            return delete.ExecuteNonQuery() > 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Makes an in-flight message visible again <paramref name="timeout"/> from now, zero meaning at once; false when the
    /// handle is stale or unknown or the message is no longer in flight, as SQS refuses those.
    /// </summary>
    public async Task<bool> ChangeVisibilityAsync(string receiptHandle, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await ChangeVisibilityWithOutcomeAsync(receiptHandle, timeout, cancellationToken).ConfigureAwait(false)
            == VisibilityChange.Changed;

    /// <summary>As <see cref="ChangeVisibilityAsync"/>, telling a message that is no longer in flight from a stale handle.</summary>
    internal async Task<VisibilityChange> ChangeVisibilityWithOutcomeAsync(
        string receiptHandle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(receiptHandle);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, QueueOptions.MaxVisibilityTimeout);
        var now = NowMilliseconds();
        var changed = await _database.RunAsync(connection =>
        {
            using var update = Command(
                connection,
                """
                UPDATE queue_messages SET visible_at = $visibleAt
                WHERE queue_name = $queue AND receipt_handle = $receiptHandle AND visible_at > $now
                """,
                ("$visibleAt", now + (long)timeout.TotalMilliseconds),
                ("$queue", Name),
                ("$receiptHandle", receiptHandle),
                ("$now", now));
            if (update.ExecuteNonQuery() > 0) return VisibilityChange.Changed;
            using var select = Command(
                connection,
                "SELECT 1 FROM queue_messages WHERE queue_name = $queue AND receipt_handle = $receiptHandle",
                ("$queue", Name),
                ("$receiptHandle", receiptHandle));
            return select.ExecuteScalar() is null ? VisibilityChange.UnknownHandle : VisibilityChange.NotInFlight;
        }, cancellationToken).ConfigureAwait(false);

        if (changed == VisibilityChange.Changed) SignalVisibilityChanged();
        return changed;
    }

    public Task<QueueCounts> GetCountsAsync(CancellationToken cancellationToken = default)
    {
        var now = NowMilliseconds();
        return _database.RunAsync(connection =>
        {
            using var count = Command(
                connection,
                """
                SELECT
                    COALESCE(SUM(queue_name = $queue AND visible_at <= $now), 0),
                    COALESCE(SUM(queue_name = $queue AND visible_at > $now), 0),
                    COALESCE(SUM(queue_name = $deadLetterQueue), 0)
                FROM queue_messages
                WHERE queue_name IN ($queue, $deadLetterQueue)
                """,
                ("$queue", Name),
                ("$deadLetterQueue", DeadLetterQueue?.Name),
                ("$now", now));
            using var reader = count.ExecuteReader();
            reader.Read();
            return new QueueCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2));
        }, cancellationToken);
    }

    /// <summary>The oldest dead letters, left where they are.</summary>
    public Task<IReadOnlyList<QueueMessage>> PeekDeadLettersAsync(int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        return _database.RunAsync<IReadOnlyList<QueueMessage>>(connection =>
        {
            using var select = Command(
                connection,
                $"SELECT {MessageColumns} FROM queue_messages WHERE queue_name = $deadLetterQueue ORDER BY sequence LIMIT $max",
                ("$deadLetterQueue", DeadLetterQueue?.Name),
                ("$max", max));
            return [.. ReadMessages(select).Select(ToDeadLetter)];
        }, cancellationToken);
    }

    /// <summary>
    /// Completes once a message is visible: at once if one is, otherwise when a send or visibility change may have
    /// made one so, or when the earliest hidden message's visibility timeout expires.
    /// </summary>
    public async Task WaitForVisibleAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            // Taken before reading the table, so a send that commits after the read still wakes this waiter.
            var visibilityChanged = Volatile.Read(ref _visibilityChanged).Task;
            var nextVisibleAt = await NextVisibleAtAsync(cancellationToken).ConfigureAwait(false);
            if (nextVisibleAt is not { } visibleAt)
            {
                await visibilityChanged.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            var delay = visibleAt - _time.GetUtcNow();
            if (delay <= TimeSpan.Zero) return;

            var expired = NewSignal();
            using var expiry = _time.CreateTimer(_ => expired.TrySetResult(), null, delay, Timeout.InfiniteTimeSpan);

            // The timer counts its delay from when it was armed, so a clock that moved on meanwhile would leave it firing late.
            if (_time.GetUtcNow() >= visibleAt) return;

            await Task.WhenAny(visibilityChanged, expired.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private List<QueueMessage> Receive(SqliteConnection connection, int maxMessages, TimeSpan visibilityTimeout, out bool deadLettered)
    {
        var now = NowMilliseconds();
        var visibleAt = now + (long)visibilityTimeout.TotalMilliseconds;
        deadLettered = false;
        var received = new List<QueueMessage>(maxMessages);

        // Walks forward by sequence: with a zero visibility timeout a delivered message is still visible, and one receive
        // must not return it twice.
        var after = long.MinValue;
        while (received.Count < maxMessages)
        {
            using var select = Command(
                connection,
                $"""
                SELECT {MessageColumns} FROM queue_messages
                WHERE queue_name = $queue AND visible_at <= $now AND sequence > $after
                ORDER BY sequence LIMIT $limit
                """,
                ("$queue", Name),
                ("$now", now),
                ("$after", after),
                ("$limit", maxMessages - received.Count));
            var candidates = ReadMessages(select);
            if (candidates.Count == 0) break;

            foreach (var candidate in candidates)
            {
                if (candidate.ReceiveCount >= _maxReceiveCount)
                {
                    MoveToDeadLetterQueue(connection, candidate, now);
                    deadLettered = true;
                }
                else received.Add(Deliver(connection, candidate, now, visibleAt));
            }

            after = candidates[^1].Sequence;
        }

        return received;
    }

    private QueueMessage Deliver(SqliteConnection connection, StoredMessage message, long now, long visibleAt)
    {
        var receiptHandle = Guid.NewGuid().ToString("N");
        using var update = Command(
            connection,
            """
            UPDATE queue_messages
            SET receipt_handle = $receiptHandle, visible_at = $visibleAt, receive_count = receive_count + 1,
                first_received_at = COALESCE(first_received_at, $now)
            WHERE sequence = $sequence
            """,
            ("$receiptHandle", receiptHandle),
            ("$visibleAt", visibleAt),
            ("$now", now),
            ("$sequence", message.Sequence));
        update.ExecuteNonQuery();
        return ToQueueMessage(message with { ReceiveCount = message.ReceiveCount + 1 }, receiptHandle, message.FirstReceivedAt ?? now);
    }

    private void MoveToDeadLetterQueue(SqliteConnection connection, StoredMessage message, long now)
    {
        using var update = Command(
            connection,
            "UPDATE queue_messages SET queue_name = $deadLetterQueue, visible_at = $now WHERE sequence = $sequence",
            ("$deadLetterQueue", DeadLetterQueue?.Name),
            ("$now", now),
            ("$sequence", message.Sequence));
        update.ExecuteNonQuery();
    }

    private Task<DateTimeOffset?> NextVisibleAtAsync(CancellationToken cancellationToken) =>
        _database.RunAsync(connection =>
        {
            using var select = Command(
                connection,
                "SELECT MIN(visible_at) FROM queue_messages WHERE queue_name = $queue",
                ("$queue", Name));
            return select.ExecuteScalar() is long visibleAt ? DateTimeOffset.FromUnixTimeMilliseconds(visibleAt) : (DateTimeOffset?)null;
        }, cancellationToken);

    internal void SignalVisibilityChanged() =>
        Interlocked.Exchange(ref _visibilityChanged, NewSignal()).TrySetResult();

    private long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static SqliteCommand Command(
        SqliteConnection connection, string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static List<StoredMessage> ReadMessages(SqliteCommand select)
    {
        var messages = new List<StoredMessage>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            messages.Add(new StoredMessage(
                Sequence: reader.GetInt64(0),
                MessageId: reader.GetString(1),
                Body: reader.GetString(2),
                SerializedAttributes: reader.IsDBNull(3) ? null : reader.GetString(3),
                SentAt: reader.GetInt64(4),
                ReceiveCount: reader.GetInt32(5),
                FirstReceivedAt: reader.IsDBNull(6) ? null : reader.GetInt64(6),
                ReceiptHandle: reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return messages;
    }

    // Only a received message can run out of receives, so every dead letter has a receipt handle and a first receive.
    private static QueueMessage ToDeadLetter(StoredMessage message) =>
        ToQueueMessage(message, message.ReceiptHandle!, message.FirstReceivedAt!.Value);

    private static QueueMessage ToQueueMessage(StoredMessage message, string receiptHandle, long firstReceivedAt) => new(
        message.MessageId,
        receiptHandle,
        message.Body,
        message.SerializedAttributes is null
            ? NoAttributes
            : JsonSerializer.Deserialize(message.SerializedAttributes, AwsJsonContext.Wire.IReadOnlyDictionaryStringSqsMessageAttribute)
                ?? NoAttributes,
        DateTimeOffset.FromUnixTimeMilliseconds(message.SentAt),
        message.ReceiveCount,
        DateTimeOffset.FromUnixTimeMilliseconds(firstReceivedAt));

    private sealed record StoredMessage(
        long Sequence,
        string MessageId,
        string Body,
        string? SerializedAttributes,
        long SentAt,
        int ReceiveCount,
        long? FirstReceivedAt,
        string? ReceiptHandle);
}
