using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class TurnStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private TurnRecord NewTurn(string text = "hello") =>
        new(NewId(), NewId(), NewId(), text, TurnStatus.Queued, Start, Start, null) { UserId = NewId() };

    [NodeFact]
    public async Task CreateAsync_NewRequestId_CreatesTheTurn()
    {
        var turn = NewTurn();

        var (created, stored) = await Stores.Turns.CreateAsync(turn, Cancellation);

        Assert.True(created);
        Assert.Equal(turn, stored);
        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ExistingRequestId_ReturnsTheExistingTurnUntouched()
    {
        var first = NewTurn("first");
        await Stores.Turns.CreateAsync(first, Cancellation);
        var second = first with
        {
            Text = "second", SessionId = NewId(), Status = TurnStatus.Running, ErrorCode = "x", UpdatedAt = Start.AddMinutes(1),
        };

        var (created, stored) = await Stores.Turns.CreateAsync(second, Cancellation);

        Assert.False(created);
        Assert.Equal(first, stored);
        Assert.Equal(first, await Stores.Turns.GetAsync(first.Key, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_ConcurrentSameRequestId_CreatesExactlyOnce()
    {
        var key = new TurnKey(NewId(), NewId());
        var attempts = Enumerable.Range(0, 5).Select(i => NewTurn($"attempt {i}") with { UserId = key.UserId, RequestId = key.RequestId });

        var results = await Task.WhenAll(attempts.Select(turn => Stores.Turns.CreateAsync(turn, Cancellation)));

        var winner = Assert.Single(results, result => result.Created).Turn;
        Assert.All(results, result => Assert.Equal(winner, result.Turn));
        Assert.Equal(winner, await Stores.Turns.GetAsync(key, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_FromCurrentStatus_MovesAndStampsUpdatedAt()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromMilliseconds(1500));

        var moved = await Stores.Turns.TransitionAsync(turn.Key, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation);

        Assert.True(moved);
        Assert.Equal(
            turn with { Status = TurnStatus.Dispatched, UpdatedAt = Start.AddMilliseconds(1500) },
            await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_FromAnotherStatus_ReturnsFalseAndKeepsTheTurn()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var moved = await Stores.Turns.TransitionAsync(turn.Key, TurnStatus.Running, TurnStatus.Completed, Cancellation);

        Assert.False(moved);
        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_ConcurrentFromSameStatus_OnlyOneMoves()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);

        var moved = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => Stores.Turns.TransitionAsync(turn.Key, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation)));

        Assert.Single(moved, m => m);
    }

    [NodeFact]
    public async Task ClaimRunAsync_DispatchedTurn_MarksItRunning()
    {
        var turn = NewTurn() with { Status = TurnStatus.Dispatched };
        await Stores.Turns.CreateAsync(turn, Cancellation);

        Assert.True(await Stores.Turns.ClaimRunAsync(turn.Key, "run-a", Cancellation));

        Assert.Equal(TurnStatus.Running, (await Stores.Turns.GetAsync(turn.Key, Cancellation))!.Status);
    }

    [NodeFact]
    public async Task ClaimRunAsync_SameRunAgain_SucceedsAndAnotherRunFails()
    {
        var turn = NewTurn() with { Status = TurnStatus.Dispatched };
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.ClaimRunAsync(turn.Key, "run-a", Cancellation);

        Assert.True(await Stores.Turns.ClaimRunAsync(turn.Key, "run-a", Cancellation));
        Assert.False(await Stores.Turns.ClaimRunAsync(turn.Key, "run-b", Cancellation));
    }

    [NodeFact]
    public async Task ClaimRunAsync_ConcurrentRuns_OnlyOneClaims()
    {
        var turn = NewTurn() with { Status = TurnStatus.Dispatched };
        await Stores.Turns.CreateAsync(turn, Cancellation);

        var claimed = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(i => Stores.Turns.ClaimRunAsync(turn.Key, $"run-{i}", Cancellation)));

        Assert.Single(claimed, c => c);
    }

    [NodeFact]
    public async Task ClaimRunAsync_FinishedOrUnknownTurn_ReturnsFalseAndChangesNothing()
    {
        var turn = NewTurn() with { Status = TurnStatus.Completed };
        await Stores.Turns.CreateAsync(turn, Cancellation);
        var unknown = new TurnKey(NewId(), NewId());

        Assert.False(await Stores.Turns.ClaimRunAsync(turn.Key, "run-a", Cancellation));
        Assert.False(await Stores.Turns.ClaimRunAsync(unknown, "run-a", Cancellation));

        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.Key, Cancellation));
        Assert.Null(await Stores.Turns.GetAsync(unknown, Cancellation));
    }

    [NodeFact]
    public async Task TransitionAsync_UnknownTurn_ReturnsFalseAndCreatesNothing()
    {
        var key = new TurnKey(NewId(), NewId());

        var moved = await Stores.Turns.TransitionAsync(key, TurnStatus.Queued, TurnStatus.Dispatched, Cancellation);

        Assert.False(moved);
        Assert.Null(await Stores.Turns.GetAsync(key, Cancellation));
    }

    [NodeFact]
    public async Task SetStatusAsync_WithErrorCode_SetsStatusCodeAndUpdatedAt()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(2));

        await Stores.Turns.SetStatusAsync(turn.Key, TurnStatus.Failed, "model_unavailable", Cancellation);

        Assert.Equal(turn with { Status = TurnStatus.Failed, ErrorCode = "model_unavailable", UpdatedAt = Start.AddSeconds(2) },
            await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task SetStatusAsync_WithoutErrorCode_ClearsThePreviousCode()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.SetStatusAsync(turn.Key, TurnStatus.Failed, "model_unavailable", Cancellation);

        await Stores.Turns.SetStatusAsync(turn.Key, TurnStatus.Completed, null, Cancellation);

        var stored = await Stores.Turns.GetAsync(turn.Key, Cancellation);
        Assert.Equal(TurnStatus.Completed, stored?.Status);
        Assert.Null(stored?.ErrorCode);
    }

    [NodeFact]
    public async Task SetStatusAsync_UnknownTurn_CreatesNothing()
    {
        var key = new TurnKey(NewId(), NewId());

        await Stores.Turns.SetStatusAsync(key, TurnStatus.Failed, "internal", Cancellation);

        Assert.Null(await Stores.Turns.GetAsync(key, Cancellation));
    }

    [NodeFact]
    public async Task GetAsync_UnknownTurn_ReturnsNull() =>
        Assert.Null(await Stores.Turns.GetAsync(new TurnKey(NewId(), NewId()), Cancellation));

    [NodeFact]
    public async Task IsCancelRequestedAsync_BeforeAndAfterTheRequest_ReadsTheFlag()
    {
        var (_, turn) = await Stores.Turns.CreateAsync(NewTurn(new string('x', 16_000)), Cancellation);

        Assert.False(await Stores.Turns.IsCancelRequestedAsync(turn.Key, Cancellation));
        await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation);
        Assert.True(await Stores.Turns.IsCancelRequestedAsync(turn.Key, Cancellation));
        Assert.False(await Stores.Turns.IsCancelRequestedAsync(new TurnKey(NewId(), NewId()), Cancellation));
    }

    [NodeFact]
    public async Task RequestCancelAsync_LiveTurns_FlagsEachAndStampsUpdatedAt()
    {
        TurnStatus[] live = [TurnStatus.Queued, TurnStatus.Waiting, TurnStatus.Dispatched, TurnStatus.Running];
        var turns = live.Select(status => NewTurn() with { Status = status }).ToList();
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(3));

        foreach (var turn in turns)
        {
            Assert.True(await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation), $"{turn.Status} was not flagged");
            Assert.Equal(
                turn with { CancelRequested = true, UpdatedAt = Start.AddSeconds(3) },
                await Stores.Turns.GetAsync(turn.Key, Cancellation));
        }
    }

    [NodeFact]
    public async Task RequestCancelAsync_FinishedTurns_ReturnsFalseAndChangesNothing()
    {
        TurnStatus[] finished = [TurnStatus.Completed, TurnStatus.Failed, TurnStatus.Cancelled];
        var turns = finished.Select(status => NewTurn() with { Status = status }).ToList();
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(3));

        foreach (var turn in turns)
        {
            Assert.False(await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation), $"{turn.Status} was flagged");
            Assert.Equal(turn, await Stores.Turns.GetAsync(turn.Key, Cancellation));
        }
    }

    [NodeFact]
    public async Task RequestCancelAsync_TurnFinishedAfterTheRequest_KeepsTheFlag()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation);

        await Stores.Turns.SetStatusAsync(turn.Key, TurnStatus.Cancelled, null, Cancellation);

        var stored = await Stores.Turns.GetAsync(turn.Key, Cancellation);
        Assert.Equal((TurnStatus.Cancelled, true), (stored?.Status, stored?.CancelRequested));
        Assert.False(await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task RequestCancelAsync_UnknownTurn_ReturnsFalseAndCreatesNothing()
    {
        var key = new TurnKey(NewId(), NewId());

        Assert.False(await Stores.Turns.RequestCancelAsync(key, Cancellation));
        Assert.Null(await Stores.Turns.GetAsync(key, Cancellation));
    }

    [NodeFact]
    public async Task ListWaitingAsync_MixedStatuses_ReturnsQueuedAndWaitingOldestFirst()
    {
        var sessionId = NewId();
        TurnRecord At(int seconds, TurnStatus status) =>
            NewTurn($"at {seconds}s") with
            {
                SessionId = sessionId, Status = status, CreatedAt = Start.AddSeconds(seconds), UpdatedAt = Start.AddSeconds(seconds),
            };
        TurnRecord[] turns =
        [
            At(4, TurnStatus.Queued), At(1, TurnStatus.Completed), At(3, TurnStatus.Waiting), At(2, TurnStatus.Running),
            At(0, TurnStatus.Cancelled), At(5, TurnStatus.Dispatched), At(6, TurnStatus.Failed), At(7, TurnStatus.Waiting),
        ];
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.CreateAsync(NewTurn() with { CreatedAt = Start.AddSeconds(-1) }, Cancellation);

        var waiting = await Stores.Turns.ListWaitingAsync(sessionId, 10, Cancellation);

        Assert.Equal([turns[2], turns[0], turns[7]], waiting);
    }

    [NodeFact]
    public async Task ListWaitingAsync_SameCreationTime_OrdersByRequestId()
    {
        var sessionId = NewId();
        var turns = Enumerable.Range(0, 4).Select(_ => NewTurn() with { SessionId = sessionId }).ToList();
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);

        var waiting = await Stores.Turns.ListWaitingAsync(sessionId, 10, Cancellation);

        Assert.Equal(turns.OrderBy(turn => turn.RequestId, StringComparer.Ordinal), waiting);
    }

    [NodeFact]
    public async Task ListWaitingAsync_MoreThanMax_ReturnsTheOldest()
    {
        var sessionId = NewId();
        var turns = Enumerable.Range(0, 5)
            .Select(i => NewTurn() with { SessionId = sessionId, CreatedAt = Start.AddMilliseconds(-i) })
            .ToList();
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);

        var waiting = await Stores.Turns.ListWaitingAsync(sessionId, 2, Cancellation);

        Assert.Equal([turns[4], turns[3]], waiting);
    }

    [NodeFact]
    public async Task ListWaitingAsync_TurnThatMovedOn_IsNotListed()
    {
        var sessionId = NewId();
        var first = NewTurn() with { SessionId = sessionId, Status = TurnStatus.Waiting };
        var second = NewTurn() with { SessionId = sessionId, CreatedAt = Start.AddSeconds(1) };
        await Stores.Turns.CreateAsync(first, Cancellation);
        await Stores.Turns.CreateAsync(second, Cancellation);

        await Stores.Turns.TransitionAsync(first.Key, TurnStatus.Waiting, TurnStatus.Dispatched, Cancellation);

        Assert.Equal([second], await Stores.Turns.ListWaitingAsync(sessionId, 1, Cancellation));
    }

    [NodeFact]
    public async Task ListWaitingAsync_FlaggedTurn_IsListedWithItsFlag()
    {
        var turn = NewTurn();
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation);

        var waiting = await Stores.Turns.ListWaitingAsync(turn.SessionId, 1, Cancellation);

        Assert.True(Assert.Single(waiting).CancelRequested);
    }

    [NodeFact]
    public async Task ListWaitingAsync_UnknownSession_ReturnsNothing() =>
        Assert.Empty(await Stores.Turns.ListWaitingAsync(NewId(), 10, Cancellation));

    [NodeFact]
    public async Task GetAsync_CreatedForAUser_ReturnsTheUserId()
    {
        var turn = NewTurn() with { UserId = NewId() };

        await Stores.Turns.CreateAsync(turn, Cancellation);

        Assert.Equal(turn, await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task CountInFlightForUserAsync_EveryStatusAndOtherUsers_CountsOnlyTheUsersUnfinishedTurns()
    {
        var userId = NewId();
        foreach (var status in Enum.GetValues<TurnStatus>())
            await Stores.Turns.CreateAsync(NewTurn() with { UserId = userId, Status = status }, Cancellation);
        await Stores.Turns.CreateAsync(NewTurn() with { UserId = NewId() }, Cancellation);
        await Stores.Turns.CreateAsync(NewTurn(), Cancellation);

        Assert.Equal(4, await Stores.Turns.CountInFlightForUserAsync(userId, Cancellation));
    }

    [NodeFact]
    public async Task CountInFlightForUserAsync_TurnJustFinished_IsNoLongerCounted()
    {
        var userId = NewId();
        var turns = Enumerable.Range(0, 2).Select(_ => NewTurn() with { UserId = userId, Status = TurnStatus.Running }).ToList();
        foreach (var turn in turns) await Stores.Turns.CreateAsync(turn, Cancellation);

        await Stores.Turns.SetStatusAsync(turns[0].Key, TurnStatus.Completed, null, Cancellation);

        Assert.Equal(1, await Stores.Turns.CountInFlightForUserAsync(userId, Cancellation));
    }

    [NodeFact]
    public async Task CreateAsync_SameRequestIdForTwoUsers_CreatesTwoTurns()
    {
        var alices = NewTurn("alice's") with { RequestId = "r1" };
        var bobs = NewTurn("bob's") with { RequestId = "r1" };

        var results = new[] { await Stores.Turns.CreateAsync(alices, Cancellation), await Stores.Turns.CreateAsync(bobs, Cancellation) };

        Assert.All(results, result => Assert.True(result.Created));
        Assert.Equal(alices, await Stores.Turns.GetAsync(alices.Key, Cancellation));
        Assert.Equal(bobs, await Stores.Turns.GetAsync(bobs.Key, Cancellation));
        Assert.True(await Stores.Turns.RequestCancelAsync(bobs.Key, Cancellation));
        Assert.False(await Stores.Turns.IsCancelRequestedAsync(alices.Key, Cancellation));
    }

    [NodeFact]
    public async Task RetryAsync_FailedAtThatAttempt_QueuesTheNextAttemptWithoutErrorOrCancel()
    {
        var turn = NewTurn() with { Status = TurnStatus.Failed, ErrorCode = "model_failed" };
        await Stores.Turns.CreateAsync(turn, Cancellation);
        await Stores.Turns.RequestCancelAsync(turn.Key, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(4));

        var retried = await Stores.Turns.RetryAsync(turn.Key, 1, Cancellation);

        var expected = turn with { Status = TurnStatus.Queued, ErrorCode = null, Attempt = 2, UpdatedAt = Start.AddSeconds(4) };
        Assert.Equal(expected, retried);
        Assert.Equal(expected, await Stores.Turns.GetAsync(turn.Key, Cancellation));
    }

    [NodeFact]
    public async Task RetryAsync_ConcurrentForTheSameAttempt_OnlyOneStartsTheNextAttempt()
    {
        var turn = NewTurn() with { Status = TurnStatus.Failed, ErrorCode = "timeout" };
        await Stores.Turns.CreateAsync(turn, Cancellation);

        var retried = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Stores.Turns.RetryAsync(turn.Key, 1, Cancellation)));

        Assert.Equal(2, Assert.Single(retried, r => r is not null)!.Attempt);
        Assert.Equal(2, (await Stores.Turns.GetAsync(turn.Key, Cancellation))!.Attempt);
    }

    [NodeFact]
    public async Task RetryAsync_NotFailedOrAnotherAttemptOrUnknown_ReturnsNullAndChangesNothing()
    {
        var running = NewTurn() with { Status = TurnStatus.Running };
        var failedAtTwo = NewTurn() with { Status = TurnStatus.Failed, Attempt = 2 };
        await Stores.Turns.CreateAsync(running, Cancellation);
        await Stores.Turns.CreateAsync(failedAtTwo, Cancellation);
        var unknown = new TurnKey(NewId(), NewId());

        Assert.Null(await Stores.Turns.RetryAsync(running.Key, 1, Cancellation));
        Assert.Null(await Stores.Turns.RetryAsync(failedAtTwo.Key, 1, Cancellation));
        Assert.Null(await Stores.Turns.RetryAsync(unknown, 1, Cancellation));
        Assert.Equal(running, await Stores.Turns.GetAsync(running.Key, Cancellation));
        Assert.Equal(failedAtTwo, await Stores.Turns.GetAsync(failedAtTwo.Key, Cancellation));
        Assert.Null(await Stores.Turns.GetAsync(unknown, Cancellation));
    }

    [NodeFact]
    public async Task CountInFlightForUserAsync_UnknownUser_ReturnsZero() =>
        Assert.Equal(0, await Stores.Turns.CountInFlightForUserAsync(NewId(), Cancellation));
}
