using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class HistoryStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    /// <summary>Appends user/assistant pairs for <paramref name="turns"/> requests; message i has index i and text "m{i}".</summary>
    private async Task<string> SessionWithMessagesAsync(int turns)
    {
        var sessionId = await CreateSessionAsync();
        var index = 0;
        for (var turn = 0; turn < turns; turn++)
        {
            var requestId = NewId();
            await Stores.History.AppendAsync(
                sessionId, requestId, MessageRoles.User, $"m{++index}", MessageStatuses.Complete, Cancellation);
            await Stores.History.AppendAsync(
                sessionId, requestId, MessageRoles.Assistant, $"m{++index}", MessageStatuses.Complete, Cancellation);
        }
        return sessionId;
    }

    private static IEnumerable<long> Indexes(IEnumerable<HistoryMessage> messages) => messages.Select(message => message.Index);

    [NodeFact]
    public async Task AppendAsync_NewMessages_ReturnsConsecutiveIndexesFromOne()
    {
        var sessionId = await CreateSessionAsync();
        var first = NewId();
        var second = NewId();

        long[] indexes =
        [
            await Stores.History.AppendAsync(sessionId, first, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation),
            await Stores.History.AppendAsync(sessionId, first, MessageRoles.Assistant, "answer", MessageStatuses.Complete, Cancellation),
            await Stores.History.AppendAsync(sessionId, second, MessageRoles.User, "follow-up", MessageStatuses.Complete, Cancellation),
        ];

        Assert.Equal([1, 2, 3], indexes);
    }

    [NodeFact]
    public async Task AppendAsync_SameRequestAndRoleAgain_ReturnsTheFirstIndexAndChangesNothing()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.Assistant, "answer", MessageStatuses.Complete, Cancellation);
        var before = await Stores.History.ReadRangeAsync(sessionId, 1, 10, Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(30));

        var retried = await Stores.History.AppendAsync(
            sessionId, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);

        Assert.Equal(1, retried);
        Assert.Equal(before, await Stores.History.ReadRangeAsync(sessionId, 1, 10, Cancellation));
        Assert.Equal(
            3, await Stores.History.AppendAsync(sessionId, NewId(), MessageRoles.User, "next", MessageStatuses.Complete, Cancellation));
    }

    [NodeFact]
    public async Task AppendAsync_ConcurrentDuplicates_StoreOneMessageAndAgreeOnItsIndex()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();

        var indexes = await Task.WhenAll(Enumerable.Range(0, 5)
            .Select(
                _ => Stores.History.AppendAsync(
                    sessionId, requestId, MessageRoles.Assistant, "answer", MessageStatuses.Complete, Cancellation)));

        var index = Assert.Single(indexes.Distinct());
        var stored = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, long.MaxValue, Cancellation));
        Assert.Equal(index, stored.Index);
    }

    [NodeFact]
    public async Task AppendAsync_SameRequestInAnotherSession_IsNumberedThere()
    {
        var requestId = NewId();
        var first = await CreateSessionAsync();
        var second = await CreateSessionAsync();
        await Stores.History.AppendAsync(first, NewId(), MessageRoles.User, "earlier", MessageStatuses.Complete, Cancellation);
        await Stores.History.AppendAsync(first, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);

        var index = await Stores.History.AppendAsync(
            second, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);

        Assert.Equal(1, index);
    }

    [NodeFact]
    public async Task AppendAsync_MissingSession_ThrowsNamingTheSession()
    {
        var sessionId = NewId();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Stores.History.AppendAsync(sessionId, NewId(), MessageRoles.User, "question", MessageStatuses.Complete, Cancellation));

        Assert.Contains(sessionId, error.Message, StringComparison.Ordinal);
    }

    [NodeFact]
    public async Task ReadRangeAsync_StoredMessage_CarriesEveryField()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        Clock.Advance(TimeSpan.FromMilliseconds(250));
        await Stores.History.AppendAsync(
            sessionId, requestId, MessageRoles.User, "what is conduit?", MessageStatuses.Complete, Cancellation);

        var message = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, 1, Cancellation));

        Assert.Equal(
            new HistoryMessage(sessionId, 1, requestId, MessageRoles.User, "what is conduit?", Start.AddMilliseconds(250)), message);
    }

    [NodeFact]
    public async Task ReadRangeAsync_CancelledAnswer_KeepsItsStatus()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.User, "question", MessageStatuses.Complete, Cancellation);
        await Stores.History.AppendAsync(
            sessionId, requestId, MessageRoles.Assistant, "half an ans", MessageStatuses.Cancelled, Cancellation);

        var messages = await Stores.History.ReadRangeAsync(sessionId, 1, 2, Cancellation);

        Assert.Equal([MessageStatuses.Complete, MessageStatuses.Cancelled], messages.Select(message => message.Status));
        Assert.Equal(messages, await Stores.History.ReadLatestAsync(sessionId, 2, 2, Cancellation));
    }

    [NodeFact]
    public async Task AppendAsync_RetriedWithAnotherStatus_KeepsTheFirstMessage()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();
        await Stores.History.AppendAsync(sessionId, requestId, MessageRoles.Assistant, "partial", MessageStatuses.Cancelled, Cancellation);

        var retried = await Stores.History.AppendAsync(
            sessionId, requestId, MessageRoles.Assistant, "full answer", MessageStatuses.Complete, Cancellation);

        Assert.Equal(1, retried);
        var message = Assert.Single(await Stores.History.ReadRangeAsync(sessionId, 1, 10, Cancellation));
        Assert.Equal(("partial", MessageStatuses.Cancelled), (message.Text, message.Status));
    }

    [NodeFact]
    public async Task ReadRangeAsync_InnerBounds_ReturnsThemInclusiveOldestFirst()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 3);

        var messages = await Stores.History.ReadRangeAsync(sessionId, 2, 4, Cancellation);

        Assert.Equal([2, 3, 4], Indexes(messages));
        Assert.Equal(["m2", "m3", "m4"], messages.Select(message => message.Text));
    }

    [NodeFact]
    public async Task ReadRangeAsync_FirstAfterLast_ReturnsNothing()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 2);

        Assert.Empty(await Stores.History.ReadRangeAsync(sessionId, 3, 2, Cancellation));
    }

    [NodeFact]
    public async Task ReadLatestAsync_MoreThanMax_ReturnsTheNewestOldestFirst()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 3);

        var messages = await Stores.History.ReadLatestAsync(sessionId, 6, 4, Cancellation);

        Assert.Equal([3, 4, 5, 6], Indexes(messages));
    }

    [NodeFact]
    public async Task ReadLatestAsync_LastIndexBelowNewest_EndsAtLastIndex()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 3);

        var messages = await Stores.History.ReadLatestAsync(sessionId, 4, 2, Cancellation);

        Assert.Equal([3, 4], Indexes(messages));
    }

    [NodeFact]
    public async Task ReadLatestAsync_FewerThanMax_ReturnsAllOldestFirst()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 2);

        var messages = await Stores.History.ReadLatestAsync(sessionId, 4, 20, Cancellation);

        Assert.Equal([1, 2, 3, 4], Indexes(messages));
    }

    [NodeFact]
    public async Task ReadLatestAsync_OtherSessions_AreNotIncluded()
    {
        var sessionId = await SessionWithMessagesAsync(turns: 1);
        await SessionWithMessagesAsync(turns: 2);

        var messages = await Stores.History.ReadLatestAsync(sessionId, long.MaxValue, 20, Cancellation);

        Assert.All(messages, message => Assert.Equal(sessionId, message.SessionId));
        Assert.Equal([1, 2], Indexes(messages));
    }
}
