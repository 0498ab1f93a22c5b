using Conduit.Local.Sqlite;

namespace Conduit.Local.Hosting;

/// <summary>
/// Whether the local SQLite store can take writes, and work that waits for it to: a workflow step or an execution
/// record that SQLite refused as full runs again once a probe write commits, so an acknowledged turn completes when
/// space returns instead of being dropped. Client requests do not wait; they get their error at once.
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

    private async Task WaitUntilWritableAsync(CancellationToken cancellationToken)
    {
        while (await ProblemAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            await Task.Delay(ProbeInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
