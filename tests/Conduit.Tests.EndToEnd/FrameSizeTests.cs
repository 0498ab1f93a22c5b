using System.Text;
using System.Text.Json;
using Conduit.Core.Protocol;
using Conduit.Tests.EndToEnd.Support;
using Conduit.Tests.Support;
using Microsoft.Extensions.AI;

namespace Conduit.Tests.EndToEnd;

/// <summary>Frames that would not fit API Gateway's quotas, over the real local stack and its gateway's limits.</summary>
public sealed class FrameSizeTests
{
    [Fact]
    public async Task ModelChunkOf200KBOfMultiByteText_StreamsAsSeveralFramesUnderTheFrameLimit_WithTheWholeTextThenDone()
    {
        var chunk = MultiByteText(200 * 1024);
        await using var host = await LocalStackHost.StartAsync(overrides: services => services.AddSingleton<IChatClient>(
            new ScriptedChatClient(_ => Answer(chunk))));
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("big", "Write a lot");
        await chat.AckAsync("big");
        var frames = await chat.ReadTurnAsync("big");

        Assert.Equal("done", frames[^1].GetProperty("type").GetString());
        var tokens = frames.Where(f => ChatFrames.Is(f, "token")).ToList();
        Assert.True(tokens.Count > 1, $"{tokens.Count} token frame(s)");
        Assert.All(frames, f => Assert.True(
            WireBytes(f) <= ProtocolLimits.MaxFrameBytes, $"a {f.GetProperty("type").GetString()} frame of {WireBytes(f)} bytes"));
        Assert.Equal(chunk, string.Concat(tokens.Select(f => f.GetProperty("text").GetString())));
        Assert.Equal(Enumerable.Range(1, frames.Count).Select(i => (long)i), frames.Select(f => f.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task EmojiMessageOf16000Characters_RoundTripsThroughHistory_InPagesUnderTheMessageLimit()
    {
        var question = string.Concat(Enumerable.Repeat("😀", ProtocolLimits.DefaultMaxTextLength));
        await using var host = await LocalStackHost.StartAsync();
        await using var chat = await host.ConnectAsync();

        // Written by hand: .NET's encoders escape every emoji as 12 bytes, which no browser does, and 16,000 of them would then
        // be over API Gateway's 128 KB message quota.
        await chat.SendTextInFramesAsync($$"""{"action":"sendMessage","requestId":"emoji","text":"{{question}}"}""", 32 * 1024);
        var sessionId = (await chat.AckAsync("emoji")).GetProperty("sessionId").GetString()!;
        Assert.Equal("done", (await chat.ReadTurnAsync("emoji"))[^1].GetProperty("type").GetString());

        var pieces = new List<JsonElement>();
        var (afterIndex, afterSeq, textOffset, more) = (0L, 0L, 0L, true);
        for (var page = 0; more && page < 20; page++)
        {
            await chat.SendAsync(new { action = "history", sessionId, afterIndex, afterSeq, textOffset });
            var history = (await chat.ReadUntilAsync("history"))[^1];
            Assert.True(WireBytes(history) <= ProtocolLimits.MaxMessageBytes, $"a history page of {WireBytes(history)} bytes");
            pieces.AddRange(history.GetProperty("messages").EnumerateArray());
            afterIndex = history.GetProperty("nextAfterIndex").GetInt64();
            afterSeq = history.GetProperty("nextAfterSeq").GetInt64();
            textOffset = history.TryGetProperty("nextTextOffset", out var offset) ? offset.GetInt64() : 0;
            more = history.GetProperty("more").GetBoolean();
        }

        Assert.False(more);
        var asked = string.Concat(pieces
            .Where(m => m.GetProperty("role").GetString() == "user")
            .Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(question, asked);
        Assert.Contains(pieces, m => m.GetProperty("role").GetString() == "assistant");
    }

    [Fact]
    public async Task FrameRefusedAsTooLarge_IsReplacedByAnErrorFrameWithItsSeq_AndTheNextTurnDeliversFully()
    {
        await using var host = await LocalStackHost.StartAsync(
            options => options with { Gateway = options.Gateway with { MaxMessageBytes = 1_024 } },
            services => services.AddSingleton<IChatClient>(new ScriptedChatClient(question =>
                Answer(question == "huge" ? new string('x', 1_500) : "small answer"))));
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("first", "huge");
        var sessionId = (await chat.AckAsync("first")).GetProperty("sessionId").GetString()!;
        var first = await chat.ReadUntilAsync("done");
        await chat.SendMessageAsync("second", "tiny", sessionId);
        await chat.AckAsync("second");
        var second = await chat.ReadTurnAsync("second");

        var replaced = Assert.Single(first, f => ChatFrames.Is(f, "error"));
        Assert.Equal(("frame_too_large", "first", false), (
            replaced.GetProperty("code").GetString(), replaced.GetProperty("requestId").GetString(),
            replaced.GetProperty("retryable").GetBoolean()));
        Assert.DoesNotContain(first, f => ChatFrames.Is(f, "token"));
        Assert.Equal("done", first[^1].GetProperty("type").GetString());
        var answer = string.Concat(second.Where(f => ChatFrames.Is(f, "token")).Select(f => f.GetProperty("text").GetString()));
        Assert.Equal("small answer", answer);
        Assert.Equal("done", second[^1].GetProperty("type").GetString());
        var seqs = first.Concat(second).Where(f => f.TryGetProperty("seq", out _)).Select(f => f.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task ModelFailsMidAnswer_TextHeldForCoalescingReachesTheClientBeforeTheErrorFrame()
    {
        await using var host = await LocalStackHost.StartAsync(
            options => options with { Settings = options.Settings with { CoalesceInterval = TimeSpan.FromMinutes(10) } },
            services => services.AddSingleton<IChatClient>(new ScriptedChatClient(_ => FailAfter("The answer begins"))));
        await using var chat = await host.ConnectAsync();

        await chat.SendMessageAsync("broken", "Hello");
        await chat.AckAsync("broken");
        var frames = await chat.ReadTurnAsync("broken");

        Assert.Equal(["token", "error"], frames.Skip(frames.Count - 2).Select(f => f.GetProperty("type").GetString()));
        Assert.Equal("The answer begins", frames[^2].GetProperty("text").GetString());
        Assert.Equal("model_failed", frames[^1].GetProperty("code").GetString());
    }

    private static int WireBytes(JsonElement frame) => Encoding.UTF8.GetByteCount(frame.GetRawText());

    /// <summary>Two-, three- and four-byte characters and JSON-escaped ones, about <paramref name="bytes"/> of UTF-8.</summary>
    private static string MultiByteText(int bytes) =>
        string.Concat(Enumerable.Repeat("é漢😀\"\n", bytes / Encoding.UTF8.GetByteCount("é漢😀\"\n")));

    private static async IAsyncEnumerable<string> Answer(string text)
    {
        await Task.Yield();
        yield return text;
    }

    private static async IAsyncEnumerable<string> FailAfter(string text)
    {
        await Task.Yield();
        yield return text;
        throw new InvalidOperationException("The model stream broke.");
    }
}
