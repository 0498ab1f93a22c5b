
namespace Conduit.Tests.Support.Stores;

/// <summary>What every store contract test has: the backend's stores on a manual clock, and a bound on each test.</summary>
public abstract class StoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan SessionTtl = TimeSpan.FromHours(24);
    protected const string UserId = "user-1";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    protected StoreContract(IStoreBackend backend) => Stores = backend.Open(Clock, SessionTtl);

    protected ManualTimeProvider Clock { get; } = new(Start);

    protected ChatStores Stores { get; }

    protected CancellationToken Cancellation => _timeout.Token;

    /// <summary>Unique per call, because the DynamoDB backend shares its tables across tests.</summary>
    protected static string NewId() => Guid.NewGuid().ToString("N");

    protected async Task<string> CreateSessionAsync()
    {
        var sessionId = NewId();
        await Stores.Sessions.CreateAsync(sessionId, UserId, Cancellation);
        return sessionId;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Stores.Owner is { } owner) await owner.DisposeAsync();
        _timeout.Dispose();
    }
}
