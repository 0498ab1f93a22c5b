using Conduit.Core.Ports;

namespace Conduit.Tests.Support.Stores;

public abstract class FrameStoreContract(IStoreBackend backend) : StoreContract(backend)
{
    private static string Render(long seq) => $"{{\"type\":\"token\",\"seq\":{seq}}}";

    private async Task<string> SessionWithFramesAsync(int count)
    {
        var sessionId = await CreateSessionAsync();
        for (var i = 0; i < count; i++) await Stores.Frames.AppendAsync(sessionId, NewId(), Render, Cancellation);
        return sessionId;
    }

    [NodeFact]
    public async Task AppendAsync_Sequential_NumbersFromOneAndRendersWithTheSeq()
    {
        var sessionId = await CreateSessionAsync();
        var requestId = NewId();

        var first = await Stores.Frames.AppendAsync(sessionId, requestId, Render, Cancellation);
        var second = await Stores.Frames.AppendAsync(sessionId, requestId, Render, Cancellation);

        Assert.Equal(new StoredFrame(sessionId, 1, requestId, Render(1)), first.Frame);
        Assert.Equal(new StoredFrame(sessionId, 2, requestId, Render(2)), second.Frame);
    }

    [NodeFact]
    public async Task AppendAsync_TwentyConcurrent_AllocateOneToTwentyWithoutGaps()
    {
        var sessionId = await CreateSessionAsync();

        var frames = (await Task.WhenAll(
            Enumerable.Range(0, 20).Select(_ => Stores.Frames.AppendAsync(sessionId, NewId(), Render, Cancellation))))
            .Select(appended => appended.Frame).ToList();

        Assert.Equal(Enumerable.Range(1, 20).Select(seq => (long)seq), frames.Select(frame => frame.Seq).Order());
        var stored = await Stores.Frames.ReadAfterAsync(sessionId, 0, 100, Cancellation);
        Assert.Equal(frames.OrderBy(frame => frame.Seq), stored);
        Assert.Equal(20, (await Stores.Sessions.GetAsync(sessionId, Cancellation))?.LastSeq);
    }

    [NodeFact]
    public async Task AppendAsync_TwoSessions_NumberIndependently()
    {
        var first = await SessionWithFramesAsync(3);
        var second = await CreateSessionAsync();

        var frame = await Stores.Frames.AppendAsync(second, NewId(), Render, Cancellation);

        Assert.Equal(1, frame.Frame.Seq);
        Assert.Equal(3, (await Stores.Sessions.GetAsync(first, Cancellation))?.LastSeq);
    }

    [NodeFact]
    public async Task AppendAsync_MissingSession_ThrowsNamingTheSessionAndCreatesNothing()
    {
        var sessionId = NewId();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Stores.Frames.AppendAsync(sessionId, NewId(), Render, Cancellation));

        Assert.Contains(sessionId, error.Message, StringComparison.Ordinal);
        Assert.Null(await Stores.Sessions.GetAsync(sessionId, Cancellation));
        Assert.Empty(await Stores.Frames.ReadAfterAsync(sessionId, 0, 10, Cancellation));
    }

    [NodeFact]
    public async Task ReadAfterAsync_AfterSeq_ReturnsTheNextFramesUpToMax()
    {
        var sessionId = await SessionWithFramesAsync(5);

        var frames = await Stores.Frames.ReadAfterAsync(sessionId, 2, 2, Cancellation);

        Assert.Equal([3, 4], frames.Select(frame => frame.Seq));
        Assert.Equal(Render(3), frames[0].Json);
    }

    [NodeFact]
    public async Task ReadAfterAsync_FewerThanMax_ReturnsTheRestInOrder()
    {
        var sessionId = await SessionWithFramesAsync(5);

        var frames = await Stores.Frames.ReadAfterAsync(sessionId, 3, 50, Cancellation);

        Assert.Equal([4, 5], frames.Select(frame => frame.Seq));
    }

    [NodeFact]
    public async Task ReadAfterAsync_AtLastSeq_ReturnsNothing()
    {
        var sessionId = await SessionWithFramesAsync(3);

        Assert.Empty(await Stores.Frames.ReadAfterAsync(sessionId, 3, 10, Cancellation));
    }
}
