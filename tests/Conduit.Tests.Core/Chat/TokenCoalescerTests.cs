using System.Text.Json;
using Conduit.Core.Chat;
using Conduit.Core.Protocol;
using Conduit.Core.Serialization;

namespace Conduit.Tests.Core.Chat;

public sealed class TokenCoalescerTests
{
    private sealed class SteppedClock : TimeProvider
    {
        public long Now { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Now;

        public void Advance(TimeSpan by) => Now += by.Ticks;
    }

    private readonly SteppedClock _clock = new();

    [Fact]
    public void DueIn_NothingHeld_IsNull() =>
        Assert.Null(new TokenCoalescer(TimeSpan.FromMilliseconds(50), 100, _clock).DueIn(_clock.Now));

    [Fact]
    public void DueIn_CountsFromFirstHeldToken()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(50), 100, _clock);
        coalescer.Append("a", _clock.Now);
        _clock.Advance(TimeSpan.FromMilliseconds(30));
        coalescer.Append("b", _clock.Now);

        Assert.Equal(TimeSpan.FromMilliseconds(20), coalescer.DueIn(_clock.Now));
        _clock.Advance(TimeSpan.FromMilliseconds(25));
        Assert.Equal(TimeSpan.Zero, coalescer.DueIn(_clock.Now));
    }

    [Fact]
    public void Append_ReachingMaxCharacters_IsFullAndDueNow()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromSeconds(1), 5, _clock);
        coalescer.Append("abc", _clock.Now);
        Assert.False(coalescer.IsFull);

        coalescer.Append("de", _clock.Now);

        Assert.True(coalescer.IsFull);
        Assert.Equal(TimeSpan.Zero, coalescer.DueIn(_clock.Now));
    }

    [Fact]
    public void Take_ReturnsTokensInOrderAndResets()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(50), 100, _clock);
        foreach (var token in new[] { "Hello", " ", "wor", "ld" }) coalescer.Append(token, _clock.Now);

        Assert.Equal("Hello world", coalescer.Take());
        Assert.False(coalescer.HasPending);
        Assert.Null(coalescer.DueIn(_clock.Now));
    }

    [Fact]
    public void Append_EmptyToken_DoesNotStartTheInterval()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(50), 100, _clock);
        coalescer.Append("", _clock.Now);
        _clock.Advance(TimeSpan.FromMilliseconds(40));
        coalescer.Append("x", _clock.Now);

        Assert.Equal(TimeSpan.FromMilliseconds(50), coalescer.DueIn(_clock.Now));
    }
    [Fact]
    public void Take_HugeMultiByteChunk_ComesOutInPiecesUnderTheFrameBudgetWithEveryScalarWhole()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromMilliseconds(50), 2_048, _clock);
        var chunk = string.Concat(Enumerable.Repeat("é😀漢\"", 12_000));
        coalescer.Append(chunk, _clock.Now);

        var pieces = new List<string>();
        while (coalescer.HasPending) pieces.Add(coalescer.Take());

        Assert.True(pieces.Count > 1);
        Assert.Equal(chunk, string.Concat(pieces));
        Assert.All(pieces, piece =>
        {
            Assert.True(WireBytes(piece) <= ProtocolLimits.MaxTokenTextBytes, $"{WireBytes(piece)} bytes");
            Assert.False(char.IsHighSurrogate(piece[^1]));
            Assert.False(char.IsLowSurrogate(piece[0]));
        });
    }

    [Fact]
    public void IsFull_CountsSerialisedBytesNotCharacters()
    {
        var coalescer = new TokenCoalescer(TimeSpan.FromSeconds(1), 100, _clock);

        coalescer.Append(string.Concat(Enumerable.Repeat("😀", 20)), _clock.Now);

        Assert.True(coalescer.IsFull);
    }

    private static int WireBytes(string text) => JsonEncodedText.Encode(text, CoreJsonContext.Wire.Options.Encoder).EncodedUtf8Bytes.Length;
}
