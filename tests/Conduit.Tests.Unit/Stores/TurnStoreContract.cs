using Conduit.Shared.Ports;

namespace Conduit.Tests.Unit.Stores;

public abstract class TurnStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private TurnRecord NewTurn(string text = "hello") => new(NewId(), NewId(), NewId(), text, TurnStatus.Queued, Start, Start, null);

    [NodeFact]
    public async Task CreateAsync_NewRequestId_CreatesTheTurn()
    {
        var turn = NewTurn();

        var (created, stored) = await Stores.Turns.CreateAsync(turn, Cancellation);

        Assert.True(created);
        Assert.Equal(turn, stored);
        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.RequestId, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ExistingRequestId_ReturnsTheExistingTurnUntouched()
    {
        var first = NewTurn("first");
        await Stores.Turns.CreateAsync(first, Cancellation);
        var second = first with { Text = "second", SessionId = NewId(), Status = TurnStatus.Running, ErrorCode = "x", UpdatedAt = Start.AddMinutes(1) };

        var (created, stored) = await Stores.Turns.CreateAsync(second, Cancellation);

        Assert.False(created);
        Assert.Equal(first, stored);
        Assert.Equal(first, await Stores.Turns.GetAsync(first.RequestId, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ConcurrentSameRequestId_CreatesExactlyOnce()
    {
        var requestId = NewId();
        var attempts = Enumerable.Range(0, 5).Select(i => NewTurn($"attempt {i}") with { RequestId = requestId });

        var results = await Task.WhenAll(attempts.Select(turn => Stores.Turns.CreateAsync(turn, Cancellation)));

        var winner = Assert.Single(results, result => result.Created).Turn;
        Assert.All(results, result => Assert.Equal(winner, result.Turn));
        Assert.Equal(winner, await Stores.Turns.GetAsync(requestId, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_FromCurrentStatus_MovesAndStampsUpdatedAt()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromMilliseconds(1500));

        var moved = await Stores.Turns.TransitionAsync(turn.RequestId, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation);

        Assert.True(moved);
        Assert.Equal(turn with { Status = TurnStatus.Dispatched, UpdatedAt = Start.AddMilliseconds(1500) }, await Stores.Turns.GetAsync(turn.RequestId, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_FromAnotherStatus_ReturnsFalseAndKeepsTheTurn()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var moved = await Stores.Turns.TransitionAsync(turn.RequestId, TurnStatus.Running, TurnStatus.Completed, Cancellation);

        Assert.False(moved);
        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.RequestId, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_ConcurrentFromSameStatus_OnlyOneMoves()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);

        var moved = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Stores.Turns.TransitionAsync(turn.RequestId, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation)));

        Assert.Single(moved, m => m);
    }

    [NodeFact]
    public async Task TransitionAsync_UnknownTurn_ReturnsFalseAndCreatesNothing()
    {
        var requestId = NewId();

        var moved = await Stores.Turns.TransitionAsync(requestId, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation);

        Assert.False(moved);
        Assert.Null(await Stores.Turns.GetAsync(requestId, Cancellation));
    }

    [NodeFact]
    public async Task SetStatusAsync_WithErrorCode_SetsStatusCodeAndUpdatedAt()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(2));

        await Stores.Turns.SetStatusAsync(turn.RequestId, TurnStatus.Failed, "model_unavailable", Cancellation);

        Assert.Equal(turn with { Status = TurnStatus.Failed, ErrorCode = "model_unavailable", UpdatedAt = Start.AddSeconds(2) },
            await Stores.Turns.GetAsync(turn.RequestId, Cancellation));
    }

    [NodeFact]
    public async Task SetStatusAsync_WithoutErrorCode_ClearsThePreviousCode()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.SetStatusAsync(turn.RequestId, TurnStatus.Failed, "model_unavailable", Cancellation);

        await Stores.Turns.SetStatusAsync(turn.RequestId, TurnStatus.Completed, null, Cancellation);

        var stored = await Stores.Turns.GetAsync(turn.RequestId, Cancellation);
        Assert.Equal(TurnStatus.Completed, stored?.Status);
        Assert.Null(stored?.ErrorCode);
    }

    [NodeFact]
    public async Task SetStatusAsync_UnknownTurn_CreatesNothing()
    {
        var requestId = NewId();

        await Stores.Turns.SetStatusAsync(requestId, TurnStatus.Failed, "internal", Cancellation);

        Assert.Null(await Stores.Turns.GetAsync(requestId, Cancellation));
    }

    [NodeFact]
    public async Task GetAsync_UnknownTurn_ReturnsNull() =>
        Assert.Null(await Stores.Turns.GetAsync(NewId(), Cancellation));
}
