using System.Text.Json;
using Conduit.Aws.Serialization;
using Conduit.Local.Lambda;
using Conduit.Local.Sqlite;

namespace Conduit.Local.Hosting;

/// <summary>
/// Whether the local SQLite store can take writes, and work that waits for it to: a workflow step, an execution
/// record or a Dispatcher batch that failed because SQLite was full runs again once a probe write commits, so an
/// acknowledged turn completes when space returns instead of being dropped or dead-lettered. Client requests do not
/// wait; they get their error at once.
/// </summary>
public sealed class StoreWritability(
    SqliteDatabase database, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<StoreWritability> logger)
{
    /// <summary>How often waiting work probes for space: often enough to resume quickly, seldom enough to cost nothing.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _firstWait = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when work first starts waiting for space: what an operator (or a test) can watch for.</summary>
    public Task FirstWaitForSpace => _firstWait.Task;

    /// <summary>Null when a write commits now, else SQLite's reason why it does not.</summary>
    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => database.ProbeWriteAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/>, and again each time SQLite refuses it as full, once a write commits again. Only for
    /// work that is safe to repeat (every workflow step is; a store write that failed rolled back whole).
    /// </summary>
    public async Task<T> RunWhenWritableAsync<T>(string what, Func<Task<T>> work)
    {
        while (true)
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (Exception exception) when (SqliteDatabase.IsOutOfSpace(exception))
            {
                HostingLog.WaitingForSpace(logger, what, exception.Message);
                _firstWait.TrySetResult();
                await WaitUntilWritableAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
                HostingLog.SpaceReturned(logger, what);
            }
        }
    }

    public async Task RunWhenWritableAsync(string what, Func<Task> work) =>
        await RunWhenWritableAsync(what, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    /// <summary>
    /// A workflow step that SQLite refused as full runs again once the store can write (every step is safe to run again).
    /// </summary>
    public LambdaHandler RunningAgainWhenFull(string name, LambdaHandler step) => async input =>
    {
        var payload = await ReadAllAsync(input).ConfigureAwait(false);
        return await RunWhenWritableAsync($"the {name} step", () => step(new MemoryStream(payload, writable: false)))
            .ConfigureAwait(false);
    };

    /// <summary>
    /// A queue consumer whose batch reported failures while the store cannot write runs the batch again once it can,
    /// instead of leaving the messages to come back: each return counts towards the queue's maximum receives, and a
    /// store full for long enough would dead-letter acknowledged turns. Only batches with failures pay for a probe.
    /// </summary>
    public LambdaHandler RunningBatchAgainWhenFull(string name, LambdaHandler consumer) => async input =>
    {
        var payload = await ReadAllAsync(input).ConfigureAwait(false);
        while (true)
        {
            var output = await consumer(new MemoryStream(payload, writable: false)).ConfigureAwait(false);
            byte[] response;
            await using (output.ConfigureAwait(false)) response = await ReadAllAsync(output).ConfigureAwait(false);
            if (!ReportsFailures(response) || await ProblemAsync(lifetime.ApplicationStopping).ConfigureAwait(false) is not { } problem)
                return new MemoryStream(response, writable: false);
            HostingLog.WaitingForSpace(logger, $"a {name} batch", problem);
            _firstWait.TrySetResult();
            await WaitUntilWritableAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            HostingLog.SpaceReturned(logger, $"a {name} batch");
        }
    };

    private static bool ReportsFailures(byte[] response)
    {
        try
        {
            return response.Length > 0
                && JsonSerializer.Deserialize(response, AwsJsonContext.Wire.SqsBatchResponse)?.BatchItemFailures is { Count: > 0 };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy).ConfigureAwait(false);
        return copy.ToArray();
    }

    private async Task WaitUntilWritableAsync(CancellationToken cancellationToken)
    {
        while (await ProblemAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            await Task.Delay(ProbeInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
