using System.Text;
using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Ports;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Tests.Core.Chat;

public sealed class FrameCompactionTests
{
    private static StoredFrame Stored(ServerFrame frame, long seq, string requestId = "r1") =>
        new("s1", seq, requestId, JsonSerializer.Serialize(frame, CoreJsonContext.Wire.ServerFrame));

    private static StoredFrame Token(long seq, string text, string requestId = "r1") => Stored(
        new TokenFrame(requestId, "s1", seq, text), seq, requestId);

    [Fact]
    public void Compact_ConsecutiveTokensOfOneTurn_BecomeOneFrameCoveringTheirSeqs()
    {
        var frames = Compact(
            [
                Stored(new StatusFrame("r1", "s1", 1, Phases.Streaming, "Writing"), 1), Token(2, "a"), Token(3, "b"), Token(4, "c"),
                Stored(new DoneFrame("r1", "s1", 5, "end_turn", TokenUsage.Zero, "m"), 5)]);

        Assert.Equal(["status", "token", "done"], frames.Select(f => f.Frame.GetProperty("type").GetString()));
        Assert.Equal("abc", frames[1].Frame.GetProperty("text").GetString());
        Assert.Equal((2L, 4L), (frames[1].Frame.GetProperty("firstSeq").GetInt64(), frames[1].Frame.GetProperty("seq").GetInt64()));
        Assert.Equal([1L, 4L, 5L], frames.Select(f => f.LastSeq));
    }

    [Fact]
    public void Compact_TokensOfDifferentTurns_StayApart()
    {
        var frames = Compact([Token(1, "a", "r1"), Token(2, "b", "r2")]);

        Assert.Equal(2, frames.Count);
        Assert.False(frames[0].Frame.TryGetProperty("firstSeq", out _));
    }

    [Fact]
    public void Compact_LongRun_IsSplitBelowTheMergeLimit_AndKeepsAllText()
    {
        var chunk = new string('x', 3_000);
        var frames = Compact([.. Enumerable.Range(1, 7).Select(i => Token(i, chunk))]);

        Assert.All(frames, f => Assert.True(f.Frame.GetProperty("text").GetString()!.Length <= ProtocolLimits.MaxTokenTextBytes));
        Assert.Equal(7 * 3_000, frames.Sum(f => f.Frame.GetProperty("text").GetString()!.Length));
        Assert.Equal(7, frames[^1].LastSeq);
    }

    [Fact]
    public void Compact_StreamingRestart_DoesNotJoinTheTwoAttempts()
    {
        var frames = Compact(
            [Token(1, "partial"), Stored(new StatusFrame("r1", "s1", 2, Phases.Streaming, "Writing"), 2), Token(3, "whole")]);

        Assert.Equal(["token", "status", "token"], frames.Select(f => f.Frame.GetProperty("type").GetString()));
    }

    [Fact]
    public void Compact_MultiByteRun_EveryMergedFrameFitsTheTokenFrameBudget_AndKeepsAllText()
    {
        var chunk = string.Concat(Enumerable.Repeat("😀", 600));
        var frames = FrameCompaction.Compact([.. Enumerable.Range(1, 7).Select(i => Token(i, chunk))]).ToList();

        var sizes = frames.Select(f => Encoding.UTF8.GetByteCount(f.Json)).ToList();
        Assert.All(sizes, size => Assert.InRange(size, 1, ProtocolLimits.MaxTokenTextBytes + 512));
        Assert.True(frames.Count < 7);
        var text = frames.Select(f => JsonDocument.Parse(f.Json).RootElement.GetProperty("text").GetString());
        Assert.Equal(string.Concat(Enumerable.Repeat(chunk, 7)), string.Concat(text));
        Assert.Equal(7, frames[^1].LastSeq);
    }

    private static List<(JsonElement Frame, long LastSeq)> Compact(IReadOnlyList<StoredFrame> frames) =>
        FrameCompaction.Compact(frames).Select(f => (JsonDocument.Parse(f.Json).RootElement.Clone(), f.LastSeq)).ToList();
}
