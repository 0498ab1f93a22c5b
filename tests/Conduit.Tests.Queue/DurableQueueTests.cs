using Conduit.Aws.Lambda;
using Conduit.Local.Queue;
using Conduit.Local.Sqlite;
using Conduit.Tests.Support;

namespace Conduit.Tests.Queue;

public sealed class DurableQueueTests : IAsyncLifetime
{
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ReceiveAsync_AfterSeveralSends_ReturnsOldestFirst()
    {
        var queue = CreateQueue();
        var first = await queue.SendAsync("first");
        var second = await queue.SendAsync("second");
        var third = await queue.SendAsync("third");

        var received = await queue.ReceiveAsync(10);

        Assert.Equal([first, second, third], received.Select(message => message.MessageId));
        Assert.Equal(["first", "second", "third"], received.Select(message => message.Body));
        Assert.All(received, message => Assert.True(Guid.TryParse(message.MessageId, out _)));
    }

    [Fact]
    public async Task ReceiveAsync_WithMaxMessages_ReturnsNoMoreThanAsked()
    {
        var queue = CreateQueue();
        for (var index = 0; index < 3; index++) await queue.SendAsync($"message {index}");

        var received = await queue.ReceiveAsync(2);

        Assert.Equal(["message 0", "message 1"], received.Select(message => message.Body));
        Assert.Equal(new QueueCounts(Visible: 1, InFlight: 2, DeadLettered: 0), await queue.GetCountsAsync());
    }

    [Fact]
    public async Task ReceiveAsync_FirstTime_StampsSentAndFirstReceiveTimes()
    {
        var queue = CreateQueue();
        var sentAt = _time.GetUtcNow();
        await queue.SendAsync("hello");
        _time.Advance(TimeSpan.FromSeconds(3));

        var message = Assert.Single(await queue.ReceiveAsync(1));

        Assert.Equal(1, message.ApproximateReceiveCount);
        Assert.Equal(sentAt, message.SentTimestamp);
        Assert.Equal(sentAt + TimeSpan.FromSeconds(3), message.ApproximateFirstReceiveTimestamp);
    }

    [Fact]
    public async Task ReceiveAsync_WhileMessageInFlight_ReturnsNothingUntilVisibilityTimeoutExpires()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var first = Assert.Single(await queue.ReceiveAsync(1));

        _time.Advance(VisibilityTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await queue.ReceiveAsync(1));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var second = Assert.Single(await queue.ReceiveAsync(1));

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.ApproximateReceiveCount);
        Assert.NotEqual(first.ReceiptHandle, second.ReceiptHandle);
        Assert.Equal(first.ApproximateFirstReceiveTimestamp, second.ApproximateFirstReceiveTimestamp);
    }

    [Fact]
    public async Task ReceiveAsync_WithZeroVisibilityTimeout_ReturnsEachMessageOncePerCall()
    {
        var queue = CreateQueue(new QueueOptions { VisibilityTimeout = TimeSpan.Zero });
        await queue.SendAsync("hello");

        var first = Assert.Single(await queue.ReceiveAsync(10));
        var second = Assert.Single(await queue.ReceiveAsync(10));

        Assert.Equal(1, first.ApproximateReceiveCount);
        Assert.Equal(2, second.ApproximateReceiveCount);
    }

    [Fact]
    public async Task DeleteAsync_WithCurrentReceiptHandle_RemovesMessage()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var message = Assert.Single(await queue.ReceiveAsync(1));

        Assert.True(await queue.DeleteAsync(message.ReceiptHandle));

        _time.Advance(VisibilityTimeout);
        Assert.Empty(await queue.ReceiveAsync(1));
        Assert.Equal(new QueueCounts(0, 0, 0), await queue.GetCountsAsync());
    }

    [Fact]
    public async Task DeleteAsync_WithStaleReceiptHandle_ReturnsFalseAndKeepsMessage()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var stale = Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);
        var current = Assert.Single(await queue.ReceiveAsync(1));

        Assert.False(await queue.DeleteAsync(stale.ReceiptHandle));

        Assert.Equal(new QueueCounts(Visible: 0, InFlight: 1, DeadLettered: 0), await queue.GetCountsAsync());
        Assert.True(await queue.DeleteAsync(current.ReceiptHandle));
    }

    [Fact]
    public async Task DeleteAsync_WithUnknownReceiptHandle_ReturnsFalse()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");

        Assert.False(await queue.DeleteAsync("no-such-handle"));
        Assert.Equal(1, (await queue.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task ChangeVisibilityAsync_ToZero_MakesMessageVisibleAtOnce()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var message = Assert.Single(await queue.ReceiveAsync(1));

        Assert.True(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.Zero));

        var again = Assert.Single(await queue.ReceiveAsync(1));
        Assert.Equal(message.MessageId, again.MessageId);
    }

    [Fact]
    public async Task ChangeVisibilityAsync_Extended_KeepsMessageHiddenPastOriginalTimeout()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var message = Assert.Single(await queue.ReceiveAsync(1));

        Assert.True(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.FromMinutes(2)));

        _time.Advance(VisibilityTimeout);
        Assert.Empty(await queue.ReceiveAsync(1));
        _time.Advance(TimeSpan.FromMinutes(2) - VisibilityTimeout);
        Assert.Single(await queue.ReceiveAsync(1));
    }

    [Fact]
    public async Task ChangeVisibilityAsync_WithStaleReceiptHandle_ReturnsFalseAndLeavesVisibility()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var stale = Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);
        Assert.Single(await queue.ReceiveAsync(1));

        Assert.False(await queue.ChangeVisibilityAsync(stale.ReceiptHandle, TimeSpan.Zero));
        Assert.Empty(await queue.ReceiveAsync(1));
    }

    [Fact]
    public async Task ChangeVisibilityAsync_AfterTimeoutExpired_ReturnsFalse()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var message = Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);

        Assert.False(await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.FromMinutes(5)));
        Assert.Equal(1, (await queue.GetCountsAsync()).Visible);
    }

    [Fact]
    public async Task ReceiveAsync_BeyondMaxReceiveCount_MovesMessageToDeadLetterQueue()
    {
        var queue = CreateQueue(new QueueOptions { MaxReceiveCount = 2, VisibilityTimeout = VisibilityTimeout });
        var messageId = await queue.SendAsync("poison");
        Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);
        var last = Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);

        Assert.Empty(await queue.ReceiveAsync(1));

        Assert.Equal(new QueueCounts(Visible: 0, InFlight: 0, DeadLettered: 1), await queue.GetCountsAsync());
        var deadLetter = Assert.Single(await queue.PeekDeadLettersAsync(10));
        Assert.Equal(messageId, deadLetter.MessageId);
        Assert.Equal("poison", deadLetter.Body);
        Assert.Equal(2, deadLetter.ApproximateReceiveCount);
        Assert.False(await queue.DeleteAsync(last.ReceiptHandle));
        Assert.Single(await queue.PeekDeadLettersAsync(10));
    }

    [Fact]
    public async Task ReceiveAsync_WhenOldestIsDeadLettered_FillsBatchWithNextMessages()
    {
        var queue = CreateQueue(new QueueOptions { MaxReceiveCount = 1, VisibilityTimeout = VisibilityTimeout });
        await queue.SendAsync("poison");
        Assert.Single(await queue.ReceiveAsync(1));
        _time.Advance(VisibilityTimeout);
        await queue.SendAsync("fresh");

        var received = await queue.ReceiveAsync(1);

        Assert.Equal(["fresh"], received.Select(message => message.Body));
        Assert.Equal(["poison"], (await queue.PeekDeadLettersAsync(10)).Select(message => message.Body));
    }

    [Fact]
    public async Task SendAsync_WithMessageAttributes_DeliversThemUnchanged()
    {
        var queue = CreateQueue();
        var attributes = new Dictionary<string, SqsMessageAttribute>
        {
            ["connectionId"] = new() { DataType = "String", StringValue = "abc=" },
            ["attempt"] = new() { DataType = "Number", StringValue = "3" },
            ["blob"] = new() { DataType = "Binary", BinaryValue = Convert.ToBase64String([1, 2, 3]) },
        };
        await queue.SendAsync("hello", attributes);

        var message = Assert.Single(await queue.ReceiveAsync(1));

        Assert.Equal(attributes.Keys.Order(), message.MessageAttributes.Keys.Order());
        Assert.All(attributes, pair => Assert.Equivalent(pair.Value, message.MessageAttributes[pair.Key]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1024 * 1024 + 1)]
    public async Task SendAsync_WithBodyOutsideSqsSizeLimits_ThrowsArgumentException(int length)
    {
        var queue = CreateQueue();

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(new string('x', length)));

        Assert.Equal(new QueueCounts(0, 0, 0), await queue.GetCountsAsync());
    }

    [Fact]
    public async Task SendAsync_WithBodyOfExactlyOneMebibyte_IsAccepted()
    {
        var queue = CreateQueue();

        await queue.SendAsync(new string('x', 1024 * 1024));

        Assert.Equal(1024 * 1024, Assert.Single(await queue.ReceiveAsync(1)).Body.Length);
    }

    [Fact]
    public async Task SendAsync_WhenAttributesPushMessageOverOneMebibyte_ThrowsArgumentException()
    {
        var queue = CreateQueue();
        var attributes = new Dictionary<string, SqsMessageAttribute>
        {
            ["a"] = new() { DataType = "String", StringValue = "b" },
        };

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync(new string('x', 1024 * 1024), attributes));
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x001F)]
    [InlineData(0xD800)]
    [InlineData(0xDC00)]
    [InlineData(0xFFFF)]
    public async Task SendAsync_WithCharacterSqsRejects_ThrowsArgumentException(int character)
    {
        var queue = CreateQueue();

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync($"before {(char)character} after"));
    }

    [Fact]
    public async Task SendAsync_WithTabsNewlinesAndAstralCharacters_IsAccepted()
    {
        var queue = CreateQueue();

        await queue.SendAsync("tab\tline\r\nemoji \U0001F600 end \uFFFD");

        Assert.Equal("tab\tline\r\nemoji \U0001F600 end \uFFFD", Assert.Single(await queue.ReceiveAsync(1)).Body);
    }

    [Fact]
    public async Task SendAsync_WithAttributeLackingValue_ThrowsArgumentException()
    {
        var queue = CreateQueue();
        var attributes = new Dictionary<string, SqsMessageAttribute> { ["empty"] = new() { DataType = "String" } };

        await Assert.ThrowsAsync<ArgumentException>(() => queue.SendAsync("hello", attributes));
    }

    [Fact]
    public async Task SendAsync_ThenDatabaseReopened_MessageSurvives()
    {
        var folder = Directory.CreateTempSubdirectory("conduit-queue-");
        try
        {
            var path = Path.Combine(folder.FullName, "conduit.db");
            string messageId;
            await using (var database = SqliteDatabase.OpenFile(path))
            {
                messageId = await new DurableQueue(database, new QueueOptions(), _time).SendAsync("durable");
            }

            await using var reopened = SqliteDatabase.OpenFile(path);
            var message = Assert.Single(await new DurableQueue(reopened, new QueueOptions(), _time).ReceiveAsync(1));

            Assert.Equal(messageId, message.MessageId);
            Assert.Equal("durable", message.Body);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SendAsync_WhenItReturns_IsCommittedForOtherConnections()
    {
        var folder = Directory.CreateTempSubdirectory("conduit-queue-");
        try
        {
            var path = Path.Combine(folder.FullName, "conduit.db");
            await using var writer = SqliteDatabase.OpenFile(path);
            await using var reader = SqliteDatabase.OpenFile(path);
            var writerQueue = new DurableQueue(writer, new QueueOptions(), _time);
            var readerQueue = new DurableQueue(reader, new QueueOptions(), _time);

            await writerQueue.SendAsync("committed");

            Assert.Equal("committed", Assert.Single(await readerQueue.ReceiveAsync(1)).Body);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task GetCountsAsync_WithQueueOfAnotherName_CountsOnlyItsOwnMessages()
    {
        var turns = CreateQueue();
        var other = CreateQueue(new QueueOptions { Name = "other" });
        await turns.SendAsync("mine");
        await other.SendAsync("theirs");

        Assert.Equal(new QueueCounts(1, 0, 0), await turns.GetCountsAsync());
        Assert.Equal("mine", Assert.Single(await turns.ReceiveAsync(10)).Body);
    }

    [Fact]
    public async Task WaitForVisibleAsync_WhenMessageAlreadyVisible_CompletesImmediately()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");

        await queue.WaitForVisibleAsync().WaitAsync(Patience);

        Assert.Single(await queue.ReceiveAsync(1));
    }

    [Fact]
    public async Task WaitForVisibleAsync_OnEmptyQueue_CompletesWhenMessageSent()
    {
        var queue = CreateQueue();
        var waiting = queue.WaitForVisibleAsync();
        Assert.False(waiting.IsCompleted);

        await queue.SendAsync("hello");

        await waiting.WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitForVisibleAsync_WhileAllInFlight_CompletesWhenVisibilityTimeoutExpires()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        Assert.Single(await queue.ReceiveAsync(1));
        var waiting = queue.WaitForVisibleAsync();

        _time.Advance(VisibilityTimeout - TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        await waiting.WaitAsync(Patience);
        Assert.Single(await queue.ReceiveAsync(1));
    }

    [Fact]
    public async Task WaitForVisibleAsync_WhenClockPassesExpiryWhileTimerIsArmed_Completes()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        Assert.Single(await queue.ReceiveAsync(1));
        _time.BeforeTimerArmed = () =>
        {
            _time.BeforeTimerArmed = null;
            _time.Advance(VisibilityTimeout);
        };

        await queue.WaitForVisibleAsync().WaitAsync(Patience);

        Assert.Single(await queue.ReceiveAsync(1));
    }

    [Fact]
    public async Task WaitForVisibleAsync_WhileAllInFlight_CompletesWhenVisibilityChangedToZero()
    {
        var queue = CreateQueue();
        await queue.SendAsync("hello");
        var message = Assert.Single(await queue.ReceiveAsync(1));
        var waiting = queue.WaitForVisibleAsync();

        await queue.ChangeVisibilityAsync(message.ReceiptHandle, TimeSpan.Zero);

        await waiting.WaitAsync(Patience);
    }

    [Fact]
    public async Task WaitForVisibleAsync_WhenCancelled_ThrowsOperationCanceled()
    {
        var queue = CreateQueue();
        using var cancellation = new CancellationTokenSource();
        var waiting = queue.WaitForVisibleAsync(cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
    }

    [Fact]
    public void QueueOptions_Defaults_DescribeTheConduitTurnsQueue()
    {
        var options = new QueueOptions();

        Assert.Equal("arn:aws:sqs:local:000000000000:conduit-turns", options.QueueArn);
        Assert.Equal("conduit-turns-dlq", options.DeadLetterQueueName);
        Assert.Equal(TimeSpan.FromSeconds(30), options.VisibilityTimeout);
        Assert.Equal((5, 10, 4), (options.MaxReceiveCount, options.BatchSize, options.MaxConcurrentBatches));
    }

    [Fact]
    public void QueueOptions_WithBatchSizeAboveTen_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QueueOptions { BatchSize = 11 });
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a-name-so-long-that-its-dead-letter-queue-name-would-pass-the-eighty-char-limit")]
    public void QueueOptions_WithInvalidName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => new QueueOptions { Name = name });
    }

    private DurableQueue CreateQueue(QueueOptions? options = null) =>
        new(_database, options ?? new QueueOptions { VisibilityTimeout = VisibilityTimeout }, _time);
}
