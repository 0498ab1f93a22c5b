using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Conduit.Tests.EndToEnd.Support;

namespace Conduit.Tests.EndToEnd;

/// <summary>
/// Ten thousand generated hostile frames across several connections: every one is answered as the protocol says
/// (an error, or the answer of the route it happens to hit), the host neither crashes nor hangs, and a normal
/// turn works afterwards.
/// </summary>
public sealed class FuzzTests : IAsyncLifetime
{
    private const int Connections = 5;
    private const int FramesPerConnection = 2_000;
    private LocalStackHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalStackHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HostileFrames_TenThousand_EachIsAnswered_AndANormalTurnStillWorks()
    {
        var seed = Environment.TickCount;
        var answered = await Task.WhenAll(
            Enumerable.Range(0, Connections).Select(i => FloodAsync(new HostileFrames(new Random(seed + i)), $"fuzz-{i}")));

        Assert.All(answered, counts =>
        {
            Assert.Equal(FramesPerConnection, counts.Sum(c => c.Value));
            Assert.True(
                counts.Keys.All(type => type is "error" or "pong" or "history" or "resumed"),
                $"unexpected answers {string.Join(",", counts.Keys)} (seed {seed})");
        });
        await using var oversize = await _host.ConnectAsync(user: "fuzz-big");
        await oversize.SendTextAsync(new string('[', 130 * 1024));
        await oversize.WaitForCloseAsync();
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, oversize.CloseStatus);

        await using var normal = await _host.ConnectAsync(user: "after-fuzz");
        await normal.SendMessageAsync("after-fuzz-1", "Hello after the storm");
        await normal.AckAsync("after-fuzz-1");
        Assert.Equal("done", (await normal.ReadTurnAsync("after-fuzz-1"))[^1].GetProperty("type").GetString());
    }

    /// <summary>Sends all frames, then reads one answer per frame; the gateway answers a connection's frames in order.</summary>
    private async Task<Dictionary<string, int>> FloodAsync(HostileFrames frames, string user)
    {
        await using var chat = await _host.ConnectAsync(user: user);
        for (var i = 0; i < FramesPerConnection; i++)
        {
            var (text, binary) = frames.Next();
            if (binary is not null) await chat.SendBinaryAsync(binary);
            else await chat.SendTextAsync(text!);
        }
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < FramesPerConnection; i++)
        {
            var type = (await chat.NextAsync()).GetProperty("type").GetString()!;
            counts[type] = counts.GetValueOrDefault(type) + 1;
        }
        return counts;
    }

    /// <summary>Frames a careless or hostile client could send; none of them is a valid sendMessage or cancel.</summary>
    private sealed class HostileFrames(Random random)
    {
        private static readonly string[] Actions =
            ["sendMessage", "ping", "resume", "cancel", "history", "SENDMESSAGE", "", "💥", "\u0000"];

        public (string? Text, byte[]? Binary) Next() => random.Next(12) switch
        {
            0 => (null, RandomBytes(random.Next(0, 200))),
            1 => (Encoding.UTF8.GetString(RandomBytes(random.Next(1, 300))), null),
            2 => (Truncated(), null),
            3 => (new string('[', random.Next(17, 5_000)) + new string(']', random.Next(0, 3)), null),
            4 => ($$"""{"action":"resume","sessionId":"s","afterSeq":{{HugeNumber()}}}""", null),
            5 => ($$"""{"action":"sendMessage","requestId":{{WrongType()}},"text":"hi"}""", null),
            6 => ($$"""{"action":"sendMessage","requestId":"r{{random.Next()}}","text":"\u0001\u0002\u001f\ud800"}""", null),
            7 => ("""{"action":"sendMessage","requestId":"a","requestId":"b","text":"dup"}""", null),
            8 =>
                (
                    $$"""{"action":"{{Actions[random.Next(Actions.Length)]}}","sessionId":{{WrongType()}},"afterSeq":{{WrongType()}}}""",
                    null),
            9 => ($$"""{"action":"sendMessage","requestId":"big{{random.Next()}}","text":"{{new string('x', 16_001)}}"}""", null),
            10 => ($$"""{"action":"cancel","requestId":"no-such-turn-{{random.Next()}}"}""", null),
            _ => ($$"""{"action":"history","sessionId":"{{new string('s', random.Next(81, 200))}}"}""", null),
        };

        private byte[] RandomBytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        private string Truncated()
        {
            const string whole = """{"action":"sendMessage","requestId":"t1","sessionId":"s1","text":"hello there"}""";
            return whole[..random.Next(1, whole.Length - 1)];
        }

        private string HugeNumber() => random.Next(4) switch
        {
            0 => "1e400",
            1 => "99999999999999999999999999999",
            2 => "-1",
            _ => "1.5",
        };

        private string WrongType() => random.Next(7) switch
        {
            5 => "\"\\udead\"",
            0 => "42",
            1 => "true",
            2 => "null",
            3 => "[1,2]",
            4 => """{"nested":{"deeper":[]}}""",
            _ => "\"has spaces and / slashes\"",
        };
    }
}
