using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Conduit.Aws.Lambda;
using Conduit.Aws.Serialization;
using Conduit.Core.Serialization;
using Conduit.Local.Lambda;
using Conduit.Local.Queue;
using Conduit.Local.Sqlite;
using Conduit.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Conduit.Tests.Queue;

public sealed class SqsEventSourceTests : IAsyncLifetime
{
    private const int SqliteFull = 13;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly SqliteDatabase _database = SqliteDatabase.OpenInMemory();
    private readonly Channel<SqsBatchOutcome> _outcomes = Channel.CreateUnbounded<SqsBatchOutcome>();
    private readonly RecordingLogger _logger = new();
    private readonly List<SqsEventSource> _started = [];
    private QueueOptions _options = new() { VisibilityTimeout = TimeSpan.FromSeconds(30) };
    private DurableQueue _queue;

    public SqsEventSourceTests() => _queue = new DurableQueue(_database, _options, _time);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var patience = new CancellationTokenSource(Patience);
        foreach (var source in _started)
        {
            await source.StopAsync(patience.Token);
            source.Dispose();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerReportsOneFailure_DeletesOthersAndRedeliversFailedOne()
    {
        var ids = await SendAsync("a", "b", "c");
        var receiveCountsOfB = new ConcurrentQueue<string>();
        await StartRespondingAsync(sqsEvent =>
        {
            var b = sqsEvent.Records.SingleOrDefault(record => record.Body == "b");
            if (b is null) return "{}";
            receiveCountsOfB.Enqueue(b.Attributes[SqsAttributeNames.ApproximateReceiveCount]);
            return b.Attributes[SqsAttributeNames.ApproximateReceiveCount] == "1" ? FailureResponse(b.MessageId) : "{}";
        });

        var first = await NextOutcomeAsync();
        Assert.Equal(ids, first.MessageIds);
        Assert.Equal([ids[0], ids[2]], first.DeletedMessageIds);
        Assert.Equal(new QueueCounts(Visible: 0, InFlight: 1, DeadLettered: 0), await _queue.GetCountsAsync());

        _time.Advance(_options.VisibilityTimeout);

        var second = await NextOutcomeAsync();
        Assert.Equal([ids[1]], second.MessageIds);
        Assert.Equal([ids[1]], second.DeletedMessageIds);
        Assert.Equal(["1", "2"], receiveCountsOfB);
        Assert.Equal(new QueueCounts(0, 0, 0), await _queue.GetCountsAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenHandlerThrows_DeletesNothingAndLogsError()
    {
        var ids = await SendAsync("a", "b");
        await StartRespondingAsync(_ => throw new InvalidOperationException("boom"));

        var outcome = await NextOutcomeAsync();

        Assert.Equal(ids, outcome.MessageIds);
        Assert.Empty(outcome.DeletedMessageIds);
        Assert.Equal(new QueueCounts(Visible: 0, InFlight: 2, DeadLettered: 0), await _queue.GetCountsAsync());
        Assert.Contains(_logger.Entries, entry => entry.Level == LogLevel.Error && entry.Exception is InvalidOperationException);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"batchItemFailures":[{"itemIdentifier":""}]}""")]
    [InlineData("""{"batchItemFailures":[{"itemIdentifier":null}]}""")]
    [InlineData("""{"batchItemFailures":[{"id":"wrong key"}]}""")]
    [InlineData("""{"batchItemFailures":[{"itemIdentifier":"no-such-message"}]}""")]
    public async Task ExecuteAsync_WhenResponseIsInvalid_DeletesNothing(string response)
    {
        await SendAsync("a", "b");
        await StartRespondingAsync(_ => response);

        var outcome = await NextOutcomeAsync();

        Assert.Equal(2, outcome.MessageIds.Count);
        Assert.Empty(outcome.DeletedMessageIds);
        Assert.Equal(2, (await _queue.GetCountsAsync()).InFlight);
        Assert.Contains(_logger.Entries, entry => entry.Level == LogLevel.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("""{"batchItemFailures":[]}""")]
    [InlineData("""{"batchItemFailures":null}""")]
    public async Task ExecuteAsync_WhenResponseReportsNoFailures_DeletesWholeBatch(string response)
    {
        var ids = await SendAsync("a", "b");
        await StartRespondingAsync(_ => response);

        var outcome = await NextOutcomeAsync();

        Assert.Equal(ids, outcome.DeletedMessageIds);
        Assert.Equal(new QueueCounts(0, 0, 0), await _queue.GetCountsAsync());
    }

    [Fact]
    public async Task ExecuteAsync_WhenMessageSentAfterStart_DeliversIt()
    {
        await StartRespondingAsync(_ => "");

        var messageId = await _queue.SendAsync("late");

        Assert.Equal([messageId], (await NextOutcomeAsync()).DeletedMessageIds);
    }

    [Fact]
    public async Task ExecuteAsync_WhenMessageKeepsFailing_EndsInDeadLetterQueue()
    {
        UseOptions(new QueueOptions { VisibilityTimeout = TimeSpan.FromSeconds(30), MaxReceiveCount = 2 });
        var messageId = await _queue.SendAsync("poison");
        await StartRespondingAsync(sqsEvent => FailureResponse(sqsEvent.Records[0].MessageId));
        await NextOutcomeAsync();
        _time.Advance(_options.VisibilityTimeout);
        await NextOutcomeAsync();

        _time.Advance(_options.VisibilityTimeout);
        await _queue.SendAsync("healthy");
        var healthy = await NextOutcomeAsync();

        Assert.DoesNotContain(messageId, healthy.MessageIds);
        Assert.Equal(messageId, Assert.Single(await _queue.PeekDeadLettersAsync(10)).MessageId);
    }

    [Fact]
    public async Task ExecuteAsync_WithSingleMessageBatches_RunsUpToMaxConcurrentBatchesAtOnce()
    {
        UseOptions(new QueueOptions { BatchSize = 1, MaxConcurrentBatches = 2 });
        await SendAsync("a", "b", "c");
        var entered = Channel.CreateUnbounded<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await StartAsync(async input =>
        {
            entered.Writer.TryWrite((await ReadEventAsync(input)).Records[0].Body);
            await release.Task;
            return new MemoryStream();
        });

        string[] running;
        QueueCounts countsWhileRunning;
        try
        {
            running = [await ReadAsync(entered.Reader), await ReadAsync(entered.Reader)];
            countsWhileRunning = await _queue.GetCountsAsync();
        }
        finally
        {
            release.SetResult();
        }

        Assert.Equal(["a", "b"], running.Order());
        Assert.Equal(new QueueCounts(Visible: 1, InFlight: 2, DeadLettered: 0), countsWhileRunning);
        Assert.Equal("c", await ReadAsync(entered.Reader));
        for (var batch = 0; batch < 3; batch++) Assert.Single((await NextOutcomeAsync()).DeletedMessageIds);
    }

    [Fact]
    public async Task StopAsync_WithBatchInFlight_WaitsForItAndDeletesIt()
    {
        await SendAsync("a");
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = await StartAsync(async _ =>
        {
            entered.SetResult();
            await release.Task;
            return new MemoryStream();
        });
        Task stopping;
        try
        {
            await entered.Task.WaitAsync(Patience);
            stopping = source.StopAsync(CancellationToken.None);
        }
        finally
        {
            release.SetResult();
        }

        await stopping.WaitAsync(Patience);

        Assert.True(_outcomes.Reader.TryRead(out var outcome));
        Assert.Single(outcome.DeletedMessageIds);
        Assert.True(source.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(new QueueCounts(0, 0, 0), await _queue.GetCountsAsync());
    }

    [Fact]
    public async Task StopAsync_WhenIdle_CompletesWithoutFault()
    {
        await SendAsync("a");
        var source = await StartRespondingAsync(_ => "");
        await NextOutcomeAsync();

        await source.StopAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.True(source.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task ExecuteAsync_InvokesHandlerWithLambdaSqsEventShape()
    {
        var sentAt = _time.GetUtcNow();
        var messageId = await _queue.SendAsync("hello", new Dictionary<string, SqsMessageAttribute>
        {
            ["turnId"] = new() { DataType = "String", StringValue = "t-1" },
        });
        _time.Advance(TimeSpan.FromSeconds(2));
        var inputs = Channel.CreateUnbounded<string>();
        await StartAsync(async input =>
        {
            using var reader = new StreamReader(input, Encoding.UTF8);
            inputs.Writer.TryWrite(await reader.ReadToEndAsync());
            return new MemoryStream();
        });

        using var document = JsonDocument.Parse(await ReadAsync(inputs.Reader));

        var record = Assert.Single(document.RootElement.EnumerateObject().Single().Value.EnumerateArray());
        Assert.Equal(
            [
                "messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                "awsRegion"],
            record.EnumerateObject().Select(property => property.Name));
        Assert.Equal(messageId, record.GetProperty("messageId").GetString());
        Assert.Equal("hello", record.GetProperty("body").GetString());
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", record.GetProperty("md5OfBody").GetString());
        Assert.Equal("aws:sqs", record.GetProperty("eventSource").GetString());
        Assert.Equal("arn:aws:sqs:local:000000000000:conduit-turns", record.GetProperty("eventSourceARN").GetString());
        Assert.Equal("local", record.GetProperty("awsRegion").GetString());

        var attributes = record.GetProperty("attributes");
        Assert.All(attributes.EnumerateObject(), attribute => Assert.Equal(JsonValueKind.String, attribute.Value.ValueKind));
        Assert.Equal("1", attributes.GetProperty("ApproximateReceiveCount").GetString());
        Assert.Equal(sentAt.ToUnixTimeMilliseconds().ToString(), attributes.GetProperty("SentTimestamp").GetString());
        Assert.Equal("local", attributes.GetProperty("SenderId").GetString());
        Assert.Equal(
            (sentAt + TimeSpan.FromSeconds(2)).ToUnixTimeMilliseconds().ToString(),
            attributes.GetProperty("ApproximateFirstReceiveTimestamp").GetString());

        var turnId = record.GetProperty("messageAttributes").GetProperty("turnId");
        Assert.Equal("t-1", turnId.GetProperty("stringValue").GetString());
        Assert.Equal("String", turnId.GetProperty("dataType").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_ReceiveRefusedAsFull_DeliversEveryMessageOnceSpaceReturns()
    {
        var pages = await _database.RunAsync(c => c.QuerySingle("PRAGMA page_count", r => r.GetInt64(0)));
        _database.Execute($"PRAGMA max_page_count = {pages + 2}");
        var ids = new List<string>();
        var body = "x";
        while (true)
        {
            try
            {
                ids.Add(await _queue.SendAsync(body));
            }
            catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteFull)
            {
                break;
            }
        }
        var source = await StartRespondingAsync(_ => "{}");

        await WaitForAsync(() => source.ExecuteTask!.IsCompleted
            || _logger.Entries.Any(entry => entry.Exception is SqliteException { SqliteErrorCode: SqliteFull }));
        Assert.False(
            source.ExecuteTask!.IsCompleted, $"The event source stopped: {source.ExecuteTask.Exception?.GetBaseException().Message}");
        _database.Execute("PRAGMA max_page_count = 1073741823");
        var delivered = new List<string>();
        while (delivered.Count < ids.Count)
        {
            var outcome = NextOutcomeAsync();
            while (!outcome.IsCompleted)
            {
                _time.Advance(SqsEventSource.ReceiveRetryDelay);
                await Task.Yield();
            }
            delivered.AddRange((await outcome).DeletedMessageIds);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
    }

    private void UseOptions(QueueOptions options)
    {
        _options = options;
        _queue = new DurableQueue(_database, options, _time);
    }

    private async Task<IReadOnlyList<string>> SendAsync(params string[] bodies)
    {
        var ids = new List<string>();
        foreach (var body in bodies) ids.Add(await _queue.SendAsync(body));
        return ids;
    }

    private Task<SqsEventSource> StartRespondingAsync(Func<SqsEvent, string> respond) =>
        StartAsync(async input => new MemoryStream(Encoding.UTF8.GetBytes(respond(await ReadEventAsync(input)))));

    private async Task<SqsEventSource> StartAsync(LambdaHandler handler)
    {
        var source = new SqsEventSource(_queue, handler, _options, _logger, _time);
        source.BatchCompleted += (_, outcome) => _outcomes.Writer.TryWrite(outcome);
        _started.Add(source);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private static async Task<SqsEvent> ReadEventAsync(Stream input) =>
        await JsonSerializer.DeserializeAsync(input, AwsJsonContext.Default.SqsEvent)
        ?? throw new InvalidDataException("The event source sent a null event.");

    private Task<SqsBatchOutcome> NextOutcomeAsync() => ReadAsync(_outcomes.Reader);

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var patience = new CancellationTokenSource(Patience);
        while (!condition())
        {
            patience.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    private static Task<T> ReadAsync<T>(ChannelReader<T> reader) => reader.ReadAsync().AsTask().WaitAsync(Patience);

    private static string FailureResponse(string messageId) =>
        JsonSerializer.Serialize(new SqsBatchResponse([new SqsBatchItemFailure(messageId)]), AwsJsonContext.Default.SqsBatchResponse);

    private sealed class RecordingLogger : ILogger<SqsEventSource>
    {
        public ConcurrentQueue<(LogLevel Level, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, exception));
    }
}
